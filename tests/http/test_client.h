// A blocking HTTP/1.1 client for tests: a raw POSIX socket on loopback, responses parsed by
// Beast's parser. Every wait is bounded by the client's timeout (poll), so a server that
// misbehaves fails the test instead of hanging it; nothing sleeps.
//
// Thread-safety: one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace coord::api::http::testing {

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = false;

  std::optional<std::string> Header(std::string_view name) const;
  // The body as JSON; a discarded value if it is not JSON.
  nlohmann::json Json() const;
  // body.error.code of a JSON error reply, or "".
  std::string ErrorCode() const;
};

class TestClient {
 public:
  explicit TestClient(uint16_t port,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000));
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return fd_ >= 0; }

  // Sends all of `bytes`; false on error.
  bool Send(std::string_view bytes);

  // Reads one complete response (`head`: the response to a HEAD request, so no body).
  // nullopt if the connection ends or the timeout passes first.
  std::optional<ClientResponse> ReadResponse(bool head = false);

  // Sends `method target` with Host and the extra header lines (each ending in "\r\n"), and
  // a Content-Length body when `body` is not empty; then reads the response.
  std::optional<ClientResponse> Roundtrip(std::string_view method, std::string_view target,
                                          std::string_view body = {},
                                          std::string_view extra_headers = {});
  std::optional<ClientResponse> Get(std::string_view target) { return Roundtrip("GET", target); }

  // Streams: reads the header of a chunked response and keeps parsing its body.
  std::optional<ClientResponse> ReadStreamHeader();
  // Reads stream body until `done(body so far)` holds, the stream ends or the timeout passes.
  // Returns the body so far; *ended tells whether the final chunk arrived.
  std::string ReadStreamUntil(const std::function<bool(const std::string&)>& done,
                              bool* ended = nullptr);

  // Reads until the server closes the connection (EOF or reset) and returns what arrived
  // (including bytes already buffered); nullopt if it is still open at the timeout.
  std::optional<std::string> ReadUntilClose();

  void ShutdownWrite();
  void Close();

 private:
  enum class Fill { kData, kEof, kTimeout };
  // Receives more bytes into in_, waiting until `deadline`.
  Fill Receive(std::chrono::steady_clock::time_point deadline);

  struct StreamParser;
  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string in_;  // received, not yet consumed by a parser
  std::unique_ptr<StreamParser> stream_;
};

// The first response in `text` (e.g. what ReadUntilClose returned), if complete.
std::optional<ClientResponse> ParseResponseText(std::string_view text);

// "GET /x HTTP/1.1\r\nHost: test\r\n\r\n".
std::string RequestText(std::string_view method, std::string_view target,
                        std::string_view body = {}, std::string_view extra_headers = {});

}  // namespace coord::api::http::testing
