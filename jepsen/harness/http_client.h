// HttpClient: one blocking HTTP/1.1 keep-alive connection to one coordd, with a deadline per
// request, for the Jepsen workload clients.
//
// What matters to a Jepsen client is whether a request that got no answer may have reached
// the server: a write that never left (connect refused, unreachable) certainly did not happen
// and is a `fail`; one sent and then lost (timeout, reset) may have happened and is an `info`.
// HttpError says which.
//
// Each client owns a private io_context and runs it only inside Request, so a request is a
// plain blocking call that still honours its deadline (Beast timeouts apply to async
// operations only). Not thread-safe: one thread per client.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "jepsen/jsonl.h"
#include "raft/result.h"

namespace coord::jepsen::harness {

struct HttpReply {
  int status = 0;
  std::string body;
  // The body parsed as JSON; null when it is not JSON.
  Json json() const;
  // The JSON error code of an error answer ("NO_LEADER"), or "" when there is none.
  std::string error_code() const;
};

struct HttpError {
  // False when the request certainly never reached the server (no connection could be made).
  bool maybe_delivered = true;
  std::string what;  // "timeout", "connect: Connection refused", ...
};

template <typename T>
using HttpResult = ResultOf<T, HttpError>;

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and waits for its answer until `timeout` has passed. `body` is sent
  // as is (JSON) when not empty. Any failure closes the connection; the next request opens
  // a new one.
  HttpResult<HttpReply> Request(const std::string& method, const std::string& target,
                                const std::string& body, std::chrono::milliseconds timeout,
                                const std::vector<std::pair<std::string, std::string>>& headers = {});

  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }

 private:
  struct Impl;
  std::string host_;
  uint16_t port_;
  std::unique_ptr<Impl> impl_;
};

// Percent-encodes a path for a URL (keeps '/', letters, digits and "-._~").
std::string EncodePath(const std::string& path);

}  // namespace coord::jepsen::harness
