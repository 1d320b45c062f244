// HostPort: a peer address as written in configuration, "host:port" or "[v6-address]:port".
//
// Pure and thread-compatible. The host is not resolved here: the transport resolves it on each
// dial, so a peer whose DNS name moves is found again.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "raft/status.h"

namespace coord::raft::transport {

struct HostPort {
  std::string host;  // without brackets for IPv6 literals
  uint16_t port = 0;

  std::string ToString() const;  // re-adds brackets around IPv6 literals
  friend bool operator==(const HostPort&, const HostPort&) = default;
};

// Parses "host:port". Errors (kInvalidArgument): missing or empty host, missing, non-numeric,
// zero or out-of-range port, unbalanced brackets.
Result<HostPort> ParseHostPort(std::string_view text);

}  // namespace coord::raft::transport
