#include "tests/api/api_client.h"

#include <functional>
#include <thread>

#include "tests/http/test_client.h"

namespace coord::api::testing {

std::string Reply::Describe() const {
  std::string b = body.size() > 400 ? body.substr(0, 400) + "..." : body;
  std::string h;
  for (const auto& [k, v] : headers) h += " [" + k + ": " + v + "]";
  return std::to_string(status) + h + " " + b;
}

Reply Call(uint16_t port, std::string_view method, std::string_view target, std::string_view body,
           std::string_view extra_headers, std::chrono::milliseconds timeout) {
  Reply out;
  http::testing::TestClient client(port, timeout);
  if (!client.connected()) return out;
  std::string headers(extra_headers);
  if (!body.empty()) headers += "Content-Type: application/json\r\n";
  std::optional<http::testing::ClientResponse> r = client.Roundtrip(method, target, body, headers);
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  out.json = r->Json();
  out.error_code = r->ErrorCode();
  out.retry_after = r->Header("Retry-After");
  out.headers = r->headers;
  return out;
}

bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling an observable state
  }
  return condition();
}

}  // namespace coord::api::testing
