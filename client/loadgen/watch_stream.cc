#include "client/loadgen/watch_stream.h"

#include <charconv>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

namespace coord::loadgen {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

WatchStreamShared::WatchStreamShared(int streams, HttpRequest request_in, const std::string& probe_path,
                                     const ProbeClock* clock, std::atomic<uint64_t>* failed_in)
    : request(std::move(request_in)), probe_path_json(nlohmann::json(probe_path).dump()), probe_clock(clock),
      failed(failed_in), answered(static_cast<uint64_t>(streams)), finished(static_cast<uint64_t>(streams)) {}

void WatchStreamShared::SetWindow(MeasuredWindow window) {
  window_deadline_ = window.deadline.time_since_epoch().count();
  window_from_ = window.from.time_since_epoch().count();
}

bool WatchStreamShared::InWindow(TimePoint t) const {
  const TimePoint::rep at = t.time_since_epoch().count();
  return at >= window_from_.load() && at < window_deadline_.load();
}

WatchStream::WatchStream(net::io_context& io, WatchStreamShared* shared, Target target)
    : stream_(net::make_strand(io)), shared_(shared), target_(std::move(target)), request_(shared->request),
      on_chunk_body_([this](std::uint64_t, beast::string_view body, beast::error_code& ec) {
        OnBody(std::string_view(body.data(), body.size()));
        // A failure met in the body (an `end` event) stops the read here.
        if (failed_) ec = net::error::operation_aborted;
        return body.size();
      }) {
  parser_.body_limit(boost::none);  // the stream is endless; its chunks are consumed as they come
  parser_.on_chunk_body(on_chunk_body_);
}

void WatchStream::Start() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    const tcp::endpoint ep(net::ip::make_address(self->target_.host), self->target_.port);
    self->stream_.async_connect(ep, [self](beast::error_code ec) {
      if (ec) {
        self->Fail("watch_open: io: " + ec.message());
        return self->CloseSocket();
      }
      self->stream_.socket().set_option(tcp::no_delay(true));
      http::async_write(self->stream_, self->request_, [self](beast::error_code ec2, size_t) {
        if (ec2) {
          self->Fail("watch_open: io: " + ec2.message());
          return self->CloseSocket();
        }
        http::async_read_header(self->stream_, self->buffer_, self->parser_,
                                [self](beast::error_code ec3, size_t) { self->OnHeader(ec3); });
      });
    });
  });
}

void WatchStream::OnHeader(beast::error_code ec) {
  if (ec) {
    Fail("watch_open: io: " + ec.message());
    return CloseSocket();
  }
  const int status = static_cast<int>(parser_.get().result_int());
  if (status != 200 || !parser_.chunked()) {
    Fail("watch_open: http_" + std::to_string(status) + (status == 200 ? " not chunked" : ""));
    return CloseSocket();
  }
  ++shared_->opened;
  SettleAnswered();
  http::async_read(stream_, buffer_, parser_,
                   [self = shared_from_this()](beast::error_code ec2, size_t) { self->OnStreamEnd(ec2); });
}

void WatchStream::OnStreamEnd(beast::error_code ec) {
  if (!closing_) Fail(ec ? "watch_io: " + ec.message() : "watch_io: the server ended the stream");
  CloseSocket();
}

void WatchStream::OnBody(std::string_view bytes) {
  const Clock::time_point now = Clock::now();  // when these messages reached this client
  read_in_piece_ = 0;
  sse_.Feed(bytes, [&](const SseMessage& m) { OnMessage(m, now); });
  // One atomic add per piece, not per message: every stream adds to this one counter.
  shared_->delivered += read_in_piece_;
}

void WatchStream::OnMessage(const SseMessage& m, Clock::time_point now) {
  if (failed_) return;
  if (m.event == "end") {
    const nlohmann::json j = nlohmann::json::parse(m.data, nullptr, false);
    const std::string code = j.is_object() && j["code"].is_string() ? j["code"].get<std::string>() : "?";
    return Fail("watch_cut: " + code);
  }
  if (!m.event.empty()) return;  // `progress` bookmarks carry no write
  uint64_t zxid = 0;
  const auto [end, error] = std::from_chars(m.id.data(), m.id.data() + m.id.size(), zxid);
  if (error != std::errc() || end != m.id.data() + m.id.size()) return Fail("watch_bad_message");
  ++read_in_piece_;
  ++batches_;
  fingerprint_ = FoldZxid(fingerprint_, zxid);
  last_zxid_ = zxid;
  if (shared_->InWindow(now)) ++result_.ok;
  if (m.data.find(shared_->probe_path_json) != std::string::npos) {
    if (auto sent = shared_->probe_clock->MeasuredSendTime(zxid); sent && now >= *sent) {
      result_.latency.Record(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - *sent).count()));
    }
  }
  NoteEnd();
}

void WatchStream::NoteEnd() {
  const uint64_t end_zxid = shared_->end_zxid();
  if (read_end_ || failed_ || end_zxid == 0 || last_zxid_ < end_zxid) return;
  read_end_ = true;
  SettleFinished();
}

void WatchStream::CheckEnd() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->NoteEnd(); });
}

void WatchStream::Close() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->answered_) self->Fail("watch_open: no answer before the end of the run");
    self->closing_ = true;
    self->SettleFinished();
    self->CloseSocket();
  });
}

StreamTally WatchStream::tally() const {
  StreamTally t;
  t.end = read_end_ ? StreamTally::End::kCaughtUp : failed_ ? StreamTally::End::kFailed : StreamTally::End::kBehind;
  t.batches = batches_;
  t.fingerprint = fingerprint_;
  return t;
}

void WatchStream::Fail(const std::string& kind) {
  if (failed_ || closing_) return;
  failed_ = true;
  ++result_.errors[kind];
  ++*shared_->failed;
  SettleAnswered();
  SettleFinished();
}

void WatchStream::SettleAnswered() {
  if (answered_) return;
  answered_ = true;
  shared_->answered.CountDown();
}

void WatchStream::SettleFinished() {
  if (finished_) return;
  finished_ = true;
  shared_->finished.CountDown();
}

void WatchStream::CloseSocket() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

}  // namespace coord::loadgen
