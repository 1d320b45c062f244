#include "client/loadgen/probe_writer.h"

#include <chrono>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

namespace coord::loadgen {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {
constexpr std::chrono::seconds kStepLimit{10};
}  // namespace

ProbeWriter::ProbeWriter(net::io_context& io, Target target, ProbeClock* clock)
    : stream_(io), target_(std::move(target)), clock_(clock) {}

std::future<ProbeAnswer> ProbeWriter::Write(HttpRequest request) {
  request_ = std::move(request);
  answer_ = std::promise<ProbeAnswer>();
  std::future<ProbeAnswer> future = answer_.get_future();
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->connected_) return self->Send();
    self->stream_.expires_after(kStepLimit);
    const tcp::endpoint ep(net::ip::make_address(self->target_.host), self->target_.port);
    self->stream_.async_connect(ep, [self](beast::error_code ec) {
      if (ec) return self->Finish({0, 0, "probe: io: " + ec.message()});
      self->connected_ = true;
      self->stream_.socket().set_option(tcp::no_delay(true));
      self->Send();
    });
  });
  return future;
}

void ProbeWriter::Send() {
  clock_->Sending(std::chrono::steady_clock::now());
  stream_.expires_after(kStepLimit);
  http::async_write(stream_, request_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->OnAnswer(ec);
    self->parser_.emplace();
    http::async_read(self->stream_, self->buffer_, *self->parser_,
                     [self](beast::error_code ec2, size_t) { self->OnAnswer(ec2); });
  });
}

void ProbeWriter::OnAnswer(beast::error_code ec) {
  if (ec) return Finish({0, 0, "probe: io: " + ec.message()});
  const auto& res = parser_->get();
  const int status = static_cast<int>(res.result_int());
  if (!res.keep_alive()) Disconnect();
  if (status < 200 || status >= 300) return Finish({status, 0, "probe: http_" + std::to_string(status)});
  const nlohmann::json j = nlohmann::json::parse(res.body(), nullptr, false);
  if (!j.is_object() || !j["zxid"].is_number_unsigned()) return Finish({status, 0, "probe: answer without a zxid"});
  Finish({status, j["zxid"].get<uint64_t>(), ""});
}

void ProbeWriter::Finish(ProbeAnswer answer) {
  if (answer.ok()) {
    clock_->Answered(answer.zxid);
  } else {
    clock_->Failed();
    if (answer.status == 0) Disconnect();  // the connection is in an unknown state
  }
  // Moved out first: once the value is set, the caller may already be in the next Write.
  std::promise<ProbeAnswer> promise = std::move(answer_);
  promise.set_value(std::move(answer));
}

void ProbeWriter::Disconnect() {
  beast::error_code ignored;
  stream_.socket().close(ignored);
  connected_ = false;
  buffer_.clear();
}

}  // namespace coord::loadgen
