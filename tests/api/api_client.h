// A blocking JSON-over-HTTP client for the process tests: one request per fresh loopback
// connection (so a killed server never leaves a test holding a dead keep-alive connection),
// every wait bounded by a timeout. Built on tests/http's raw-socket TestClient.
//
// Thread-safety: the functions are reentrant; use from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace coord::api::testing {

struct Reply {
  int status = 0;  // 0: no response (refused, reset, timed out)
  std::string body;
  nlohmann::json json;     // parsed body (discarded if not JSON)
  std::string error_code;  // body.error.code, if an error reply
  std::optional<std::string> retry_after;
  std::vector<std::pair<std::string, std::string>> headers;

  bool ok() const { return status == 200; }
  // "409 NODE_EXISTS {...}", for assertion messages.
  std::string Describe() const;
};

Reply Call(uint16_t port, std::string_view method, std::string_view target,
           std::string_view body = {}, std::string_view extra_headers = {},
           std::chrono::milliseconds timeout = std::chrono::seconds(10));

inline Reply Get(uint16_t port, std::string_view target) { return Call(port, "GET", target); }
inline Reply Post(uint16_t port, std::string_view target, const nlohmann::json& body,
                  std::string_view extra_headers = {}) {
  return Call(port, "POST", target, body.dump(), extra_headers);
}
inline Reply Put(uint16_t port, std::string_view target, const nlohmann::json& body,
                 std::string_view extra_headers = {}) {
  return Call(port, "PUT", target, body.dump(), extra_headers);
}
inline Reply Delete(uint16_t port, std::string_view target, std::string_view extra_headers = {}) {
  return Call(port, "DELETE", target, {}, extra_headers);
}

// Polls `condition` every few ms until it holds or `timeout` passes: awaiting an observable
// state with a deadline (never a fixed sleep standing in for synchronisation).
bool Eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace coord::api::testing
