#include "client/loadgen/request_loop.h"

#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

namespace coord::loadgen {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

RequestLoop::RequestLoop(net::io_context& io, RequestLoopShared* shared, int id, Target target)
    : stream_(io), timer_(io), shared_(shared), id_(id), target_(std::move(target)),
      rng_(static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ull + 1) {}

void RequestLoop::Start() {
  ++shared_->running;
  Connect();
}

void RequestLoop::Connect() {
  started_ = Clock::now();  // a failed connect is an error of this moment
  tcp::endpoint ep(net::ip::make_address(target_.host), target_.port);
  stream_.async_connect(ep, [self = shared_from_this()](beast::error_code ec) {
    if (ec) return self->Failed("io: " + ec.message(), true);
    self->stream_.socket().set_option(tcp::no_delay(true));
    self->SendNext();
  });
}

void RequestLoop::SendNext() {
  if (Clock::now() >= shared_->deadline) return Finish();
  const bool keepalive = shared_->options->workload == Workload::kKeepalive;
  opening_session_ = false;
  if (shared_->mode == LoopMode::kPopulate) {
    const uint64_t i = shared_->next_populate.fetch_add(1);
    if (i >= shared_->populate_count) return Finish();
    req_ = shared_->factory->Populate(i);
  } else if (keepalive && session_.empty()) {
    opening_session_ = true;
    req_ = HttpRequest{http::verb::post, "/v1/sessions", 11};
    req_.set(http::field::host, "load");
    req_.set(http::field::content_type, "application/json");
    req_.body() = R"({"ttl_ms": 60000})";
    req_.prepare_payload();
  } else {
    req_ = shared_->factory->Next(id_, seq_++, rng_, session_);
  }
  started_ = Clock::now();
  http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->Failed("io: " + ec.message(), true);
    self->parser_.emplace();
    self->parser_->body_limit(64 << 20);
    http::async_read(self->stream_, self->buffer_, *self->parser_,
                     [self](beast::error_code ec2, size_t) { self->OnResponse(ec2); });
  });
}

void RequestLoop::OnResponse(beast::error_code ec) {
  if (ec) return Failed("io: " + ec.message(), true);
  const auto now = Clock::now();
  const auto& res = parser_->get();
  const int status = static_cast<int>(res.result_int());
  if (opening_session_) {
    auto j = nlohmann::json::parse(res.body(), nullptr, false);
    if (status != 200 || !j.is_object() || !j.contains("id")) return Failed("open session: http_" + std::to_string(status), false);
    session_ = j["id"].get<std::string>();
    return SendNext();
  }
  const bool ok = (status >= 200 && status < 300) || (shared_->mode == LoopMode::kPopulate && status == 409);
  ++shared_->completed;
  if (status >= 200 && status < 300) ++shared_->acknowledged;
  if (started_ >= shared_->measure_from && now <= shared_->deadline) {
    if (ok) {
      result.latency.Record(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - started_).count()));
      ++result.ok;
    } else {
      ++result.errors["http_" + std::to_string(status)];
      ++shared_->failed;
    }
  }
  if (!res.keep_alive()) {
    beast::error_code ignored;
    stream_.socket().close(ignored);
    return Reconnect();
  }
  SendNext();
}

void RequestLoop::Failed(const std::string& kind, bool reconnect) {
  if (Clock::now() < shared_->deadline && started_ >= shared_->measure_from) {
    ++result.errors[kind];
    ++shared_->failed;
  }
  // Populating has no deadline: a failure ends it (the caller reports the errors).
  if (!reconnect || shared_->mode == LoopMode::kPopulate) return Finish();
  beast::error_code ignored;
  stream_.socket().close(ignored);
  Reconnect();
}

void RequestLoop::Reconnect() {
  if (Clock::now() >= shared_->deadline) return Finish();
  buffer_.clear();
  timer_.expires_after(std::chrono::milliseconds(20));
  timer_.async_wait([self = shared_from_this()](beast::error_code) { self->Connect(); });
}

void RequestLoop::Finish() {
  if (finished_) return;
  finished_ = true;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  --shared_->running;
  if (shared_->on_finished) shared_->on_finished();
}

}  // namespace coord::loadgen
