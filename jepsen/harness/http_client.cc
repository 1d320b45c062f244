#include "jepsen/harness/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace coord::jepsen::harness {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

Json HttpReply::json() const {
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? Json() : j;
}

std::string HttpReply::error_code() const {
  Json j = json();
  if (j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].contains("code") && j["error"]["code"].is_string()) {
    return j["error"]["code"].get<std::string>();
  }
  return "";
}

struct HttpClient::Impl {
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  void Close() {
    if (stream) {
      beast::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->socket().close(ignored);
      stream.reset();
    }
    buffer.clear();
  }

  // Runs the io_context until `done` or the stream's deadline fires (Beast cancels the
  // operation and reports beast::error::timeout).
  void RunUntil(const bool& done) {
    ioc.restart();
    while (!done && ioc.run_one() > 0) {
    }
  }
};

HttpClient::HttpClient(std::string host, uint16_t port)
    : host_(std::move(host)), port_(port), impl_(std::make_unique<Impl>()) {}

HttpClient::~HttpClient() { impl_->Close(); }

HttpResult<HttpReply> HttpClient::Request(
    const std::string& method, const std::string& target, const std::string& body,
    std::chrono::milliseconds timeout,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  Impl& im = *impl_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  beast::error_code ec;
  bool done = false;

  if (!im.stream) {
    im.stream.emplace(im.ioc);
    tcp::endpoint ep(asio::ip::make_address(host_, ec), port_);
    if (ec) return HttpError{false, "bad address " + host_};
    im.stream->expires_at(deadline);
    im.stream->async_connect(ep, [&](beast::error_code e) {
      ec = e;
      done = true;
    });
    im.RunUntil(done);
    if (ec) {
      im.Close();
      return HttpError{false, "connect: " + (ec == beast::error::timeout ? std::string("timeout")
                                                                          : ec.message())};
    }
  }

  http::verb verb = http::string_to_verb(method);
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, host_);
  req.keep_alive(true);
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();

  im.stream->expires_at(deadline);
  done = false;
  http::async_write(*im.stream, req, [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  im.RunUntil(done);
  if (ec) {
    im.Close();
    return HttpError{true, ec == beast::error::timeout ? "timeout" : "write: " + ec.message()};
  }

  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (verb == http::verb::head) parser.skip(true);
  done = false;
  http::async_read(*im.stream, im.buffer, parser, [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  im.RunUntil(done);
  if (ec) {
    im.Close();
    return HttpError{true, ec == beast::error::timeout ? "timeout" : "read: " + ec.message()};
  }
  auto res = parser.release();
  HttpReply reply{static_cast<int>(res.result_int()), std::move(res.body())};
  if (!res.keep_alive()) im.Close();
  return reply;
}

std::string EncodePath(const std::string& path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace coord::jepsen::harness
