#include "tests/http/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>

namespace coord::api::http::testing {
namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;

ClientResponse Convert(const bhttp::response<bhttp::string_body>& msg) {
  ClientResponse r;
  r.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg) {
    r.headers.emplace_back(std::string(f.name_string().data(), f.name_string().size()),
                           std::string(f.value().data(), f.value().size()));
  }
  r.body = msg.body();
  r.keep_alive = msg.keep_alive();
  return r;
}

}  // namespace

struct TestClient::StreamParser {
  bhttp::response_parser<bhttp::string_body> parser;
};

std::optional<std::string> ClientResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() &&
        std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return std::nullopt;
}

nlohmann::json ClientResponse::Json() const {
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

std::string ClientResponse::ErrorCode() const {
  nlohmann::json j = Json();
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return "";
  const auto& e = j["error"];
  if (!e.contains("code") || !e["code"].is_string() || !e.contains("message") ||
      !e["message"].is_string()) {
    return "";
  }
  return e["code"].get<std::string>();
}

std::optional<ClientResponse> ParseResponseText(std::string_view text) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(boost::none);
  parser.eager(true);
  boost::system::error_code ec;
  parser.put(net::buffer(text.data(), text.size()), ec);
  if (!parser.is_done()) return std::nullopt;
  return Convert(parser.get());
}

std::string RequestText(std::string_view method, std::string_view target, std::string_view body,
                        std::string_view extra_headers) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: test\r\n");
  if (!body.empty()) out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  out.append(extra_headers).append("\r\n").append(body);
  return out;
}

TestClient::TestClient(uint16_t port, std::chrono::milliseconds timeout) : timeout_(timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

TestClient::~TestClient() { Close(); }

void TestClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void TestClient::ShutdownWrite() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

bool TestClient::Send(std::string_view bytes) {
  const auto deadline = Clock::now() + timeout_;
  while (!bytes.empty()) {
    if (fd_ < 0) return false;
    pollfd p{fd_, POLLOUT, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

TestClient::Fill TestClient::Receive(Clock::time_point deadline) {
  while (true) {
    if (fd_ < 0) return Fill::kEof;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return Fill::kTimeout;
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return Fill::kTimeout;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      return Fill::kData;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    return Fill::kEof;  // 0: orderly close; <0: reset
  }
}

std::optional<ClientResponse> TestClient::ReadResponse(bool head) {
  const auto deadline = Clock::now() + timeout_;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(boost::none);
  parser.eager(true);
  if (head) parser.skip(true);
  while (true) {
    if (!in_.empty()) {
      boost::system::error_code ec;
      const size_t used = parser.put(net::buffer(in_), ec);
      in_.erase(0, used);
      if (ec && ec != bhttp::error::need_more) return std::nullopt;
      if (parser.is_done()) return Convert(parser.get());
      if (used > 0 && !in_.empty() && !ec) continue;
    }
    const Fill f = Receive(deadline);
    if (f == Fill::kTimeout) return std::nullopt;
    if (f == Fill::kEof) {
      // Beast's put_eof only asserts (debug builds) that a header arrived; in release it would
      // report an empty exchange as a complete default response. A close before the status
      // line is no response at all.
      if (!parser.got_some() || !parser.is_header_done()) return std::nullopt;
      boost::system::error_code ec;
      parser.put_eof(ec);
      if (!ec && parser.is_done()) return Convert(parser.get());
      return std::nullopt;
    }
  }
}

std::optional<ClientResponse> TestClient::Roundtrip(std::string_view method,
                                                    std::string_view target, std::string_view body,
                                                    std::string_view extra_headers) {
  if (!Send(RequestText(method, target, body, extra_headers))) return std::nullopt;
  return ReadResponse(method == "HEAD");
}

std::optional<ClientResponse> TestClient::ReadStreamHeader() {
  const auto deadline = Clock::now() + timeout_;
  stream_ = std::make_unique<StreamParser>();
  stream_->parser.body_limit(boost::none);
  stream_->parser.eager(true);
  while (true) {
    if (!in_.empty()) {
      boost::system::error_code ec;
      const size_t used = stream_->parser.put(net::buffer(in_), ec);
      in_.erase(0, used);
      if (ec && ec != bhttp::error::need_more) return std::nullopt;
      if (stream_->parser.is_header_done()) {
        ClientResponse r = Convert(stream_->parser.get());
        return r;
      }
      if (used > 0 && !in_.empty() && !ec) continue;
    }
    if (Receive(deadline) != Fill::kData) return std::nullopt;
  }
}

std::string TestClient::ReadStreamUntil(const std::function<bool(const std::string&)>& done,
                                        bool* ended) {
  const auto deadline = Clock::now() + timeout_;
  if (ended) *ended = false;
  if (!stream_) return "";
  auto& parser = stream_->parser;
  while (true) {
    if (!in_.empty() && !parser.is_done()) {
      boost::system::error_code ec;
      const size_t used = parser.put(net::buffer(in_), ec);
      in_.erase(0, used);
      if (ec && ec != bhttp::error::need_more) break;
      if (used > 0 && !in_.empty() && !ec) continue;
    }
    if (parser.is_done()) {
      if (ended) *ended = true;
      break;
    }
    if (done(parser.get().body())) break;
    if (Receive(deadline) != Fill::kData) break;
  }
  return parser.get().body();
}

std::optional<std::string> TestClient::ReadUntilClose() {
  const auto deadline = Clock::now() + timeout_;
  while (true) {
    const Fill f = Receive(deadline);
    if (f == Fill::kEof) {
      std::string all = std::move(in_);
      in_.clear();
      return all;
    }
    if (f == Fill::kTimeout) return std::nullopt;
  }
}

}  // namespace coord::api::http::testing
