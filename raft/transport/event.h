// Event: connection-level happenings the transport reports to its owner (for status pages,
// for telling the Raft core a peer is unreachable, and for tests that await them instead of
// sleeping). Delivered on the transport's I/O thread, after the matching Stats counters
// have been updated.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace coord::raft::transport {

struct Event {
  enum class Type {
    kPeerConnected,     // our stream to `peer` is up
    kPeerDisconnected,  // our stream to `peer` went down; `detail` says why
    kDialFailed,        // an attempt to reach `peer` failed before its handshake completed
    kInboundAccepted,   // `peer` connected to us and passed the handshake
    kInboundClosed,     // `peer`'s accepted stream to us ended
    kHandshakeRefused,  // we refused an inbound handshake; `peer` is the id it claimed
    kProtocolError,     // an inbound connection sent bytes we cannot accept and was closed
  };

  Type type;
  uint64_t peer = 0;    // 0 when not known (e.g. garbage before any handshake)
  std::string remote;   // remote endpoint "ip:port" (outbound: the configured address)
  std::string detail;   // human-readable reason, empty when there is nothing to add
};

inline const char* EventTypeName(Event::Type type) {
  switch (type) {
    case Event::Type::kPeerConnected: return "peer_connected";
    case Event::Type::kPeerDisconnected: return "peer_disconnected";
    case Event::Type::kDialFailed: return "dial_failed";
    case Event::Type::kInboundAccepted: return "inbound_accepted";
    case Event::Type::kInboundClosed: return "inbound_closed";
    case Event::Type::kHandshakeRefused: return "handshake_refused";
    case Event::Type::kProtocolError: return "protocol_error";
  }
  return "unknown";
}

// Must not block or throw: it runs on the I/O thread that serves every peer.
using EventHandler = std::function<void(const Event&)>;

}  // namespace coord::raft::transport
