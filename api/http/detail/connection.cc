// The Beast implementation of Connection: one HTTP/1.1 connection, from accept to close.
//
// Threading: everything below runs on the connection's strand, the executor of `socket_`.
// The public Post* methods are the only entry points from other threads; each posts a
// closure to that strand. No member is touched off the strand, so there are no locks here.
//
// Life of a connection (phase_):
//
//   accept ──> kReadingHeader ──> kReadingBody ──> kHandling ──> kWriting ──┐
//                 ^   (header_timeout)  (body_timeout)   (handler's)  (write_timeout)
//                 │                                          │             │ keep-alive
//                 └──── kIdle (idle_timeout) <───────────────│─────────────┘
//                                                            └─> kStreaming (StartStream)
//   any error/limit ─> reply ─> kLingering (linger_timeout) ─> kClosed
//
// One request is in flight at a time: the next header is read only after the response has
// been written, so pipelined requests wait in `buffer_` and are answered in order.
//
// One timer (timer_) serves every phase. Each arming bumps timer_generation_, so a wait that
// completes after being superseded is ignored even if it was already queued. A timeout while
// reading cancels the socket's operations; the read's handler then sees timed_out_.
#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <limits>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "api/http/detail/new_connection.h"
#include "api/http/error.h"

namespace coord::api::http::detail {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

bool IsHttpParseError(const error_code& ec) {
  return &ec.category() == &bhttp::make_error_code(bhttp::error::bad_method).category();
}

// Fields the server sets itself; a handler's values for them are ignored.
bool IsFramingField(std::string_view name) {
  return EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding") ||
         EqualsIgnoreCase(name, "Connection") || EqualsIgnoreCase(name, "Keep-Alive");
}

std::string Millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

// Servers must accept the absolute form ("http://host/path", RFC 9112 section 3.2.2): its path
// is routed like the origin form. Anything else is returned as is for the router to judge.
std::string_view OriginPath(std::string_view target) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size() && EqualsIgnoreCase(target.substr(0, scheme.size()), scheme)) {
      const size_t slash = target.find('/', scheme.size());
      return slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
  }
  return target;
}

class ConnectionImpl final : public Connection,
                             public std::enable_shared_from_this<ConnectionImpl> {
 public:
  ConnectionImpl(tcp::socket socket, std::shared_ptr<ServerState> state, uint64_t id)
      : state_(std::move(state)),
        opts_(state_->options),
        id_(id),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        // Room for a maximal header plus one read's worth of what follows it.
        buffer_(opts_.max_header_bytes + 64 * 1024) {}

  ~ConnectionImpl() override {
    // Normally done by CloseSocket(); this covers a connection dropped with the io_context.
    state_->tracker.Remove(id_);
  }

  // --- Entry points (any thread) ---------------------------------------------------------

  void Start() override {
    Post([](ConnectionImpl& c) { c.DoStart(); });
  }
  void StartRejected() override {
    Post([](ConnectionImpl& c) { c.DoReject(); });
  }
  void BeginShutdown() override {
    Post([](ConnectionImpl& c) { c.DoBeginShutdown(); });
  }
  void HardClose() override {
    Post([](ConnectionImpl& c) { c.CloseSocket(Status::Shutdown("server stopped")); });
  }
  void PostResponse(uint64_t seq, Response response) override {
    Post([seq, r = std::move(response)](ConnectionImpl& c) mutable {
      c.OnResponse(seq, std::move(r));
    });
  }
  void PostStreamStart(uint64_t seq, StreamOptions options,
                       std::shared_ptr<StreamState> state) override {
    Post([seq, o = std::move(options), s = std::move(state)](ConnectionImpl& c) mutable {
      c.DoStreamStart(seq, std::move(o), std::move(s));
    });
  }
  void PostStreamData(uint64_t seq, std::string bytes) override {
    Post([seq, b = std::move(bytes)](ConnectionImpl& c) mutable {
      c.OnStreamData(seq, std::move(b));
    });
  }
  void PostStreamClose(uint64_t seq) override {
    Post([seq](ConnectionImpl& c) {
      if (c.StreamIs(seq)) c.RequestStreamEnd(Status::Ok());
    });
  }
  void PostStreamOnDrain(uint64_t seq, std::function<void()> callback) override {
    Post([seq, cb = std::move(callback)](ConnectionImpl& c) mutable {
      if (c.StreamIs(seq)) c.on_drain_ = std::move(cb);
    });
  }
  void PostStreamOnClose(uint64_t seq, std::function<void(const Status&)> callback) override {
    Post([seq, cb = std::move(callback)](ConnectionImpl& c) mutable {
      if (c.StreamIs(seq)) {
        c.on_close_ = std::move(cb);
      } else if (seq == c.stream_seq_ && c.stream_final_) {
        c.InvokeCallback([&] { cb(*c.stream_final_); });
      } else {
        c.InvokeCallback([&] { cb(Status::Shutdown("the stream did not start")); });
      }
    });
  }

 private:
  enum class Phase {
    kIdle,           // kept alive, waiting for the next request's first byte
    kReadingHeader,
    kReadingBody,
    kHandling,       // the handler holds the Responder
    kWriting,        // writing a response
    kStreaming,      // the handler took the connection over with a StreamWriter
    kRejecting,      // writing the 429 of a connection over the limit
    kLingering,      // reply sent, send side shut down, discarding input until EOF
    kClosed,
  };

  template <typename F>
  void Post(F&& f) {
    net::post(socket_.get_executor(),
              [self = shared_from_this(), f = std::forward<F>(f)]() mutable { f(*self); });
  }

  // --- Timer -------------------------------------------------------------------------------

  void ArmTimer(std::chrono::milliseconds after) {
    timed_out_ = false;
    const uint64_t generation = ++timer_generation_;
    timer_.expires_after(after);
    timer_.async_wait([self = shared_from_this(), generation](const error_code& ec) {
      self->OnTimer(ec, generation);
    });
  }

  void CancelTimer() {
    ++timer_generation_;
    timer_.cancel();
  }

  void OnTimer(const error_code& ec, uint64_t generation) {
    if (ec || generation != timer_generation_ || phase_ == Phase::kClosed) return;
    timed_out_ = true;
    switch (phase_) {
      case Phase::kIdle:
      case Phase::kReadingHeader:
      case Phase::kReadingBody: {
        // The pending read completes with operation_aborted and handles the timeout.
        error_code ignored;
        socket_.cancel(ignored);
        return;
      }
      case Phase::kWriting:
      case Phase::kStreaming:
      case Phase::kRejecting:
        state_->metrics.RecordTimeout(TimeoutPhase::kWrite);
        state_->logger.Log(LogLevel::kInfo, "write_timeout", "conn", id_, "remote", remote_);
        CloseSocket(Status::IOError("write timed out after " + Millis(opts_.write_timeout)));
        return;
      case Phase::kLingering:
        CloseSocket(Status::Ok());
        return;
      case Phase::kHandling:
      case Phase::kClosed:
        return;
    }
  }

  // --- Reading a request -----------------------------------------------------------------

  void DoStart() {
    registered_ = true;
    state_->metrics.connections_active.Add(1);
    state_->metrics.connections_accepted.Increment();
    error_code ec;
    const tcp::endpoint peer = socket_.remote_endpoint(ec);
    if (!ec) remote_ = peer.address().to_string() + ":" + std::to_string(peer.port());
    // Small responses and SSE events must not wait for Nagle's algorithm.
    socket_.set_option(tcp::no_delay(true), ec);
    state_->logger.Log(LogLevel::kDebug, "connection_open", "conn", id_, "remote", remote_);
    // A new connection gets header_timeout from accept for its whole first header.
    ArmTimer(opts_.header_timeout);
    ReadHeader();
  }

  void ReadHeader() {
    phase_ = Phase::kReadingHeader;
    head_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<size_t>(opts_.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(static_cast<std::uint64_t>(opts_.max_body_bytes));
    bhttp::async_read_header(socket_, buffer_, *parser_,
                             [self = shared_from_this()](const error_code& ec, size_t) {
                               self->OnHeader(ec);
                             });
  }

  void OnHeader(const error_code& ec) {
    if (phase_ != Phase::kReadingHeader) return;
    if (timed_out_) return OnReadTimeout();
    if (ec) return OnReadError(ec);
    request_started_ = Clock::now();
    const auto& msg = parser_->get();  // the parser accepts only HTTP/1.0 and HTTP/1.1
    if (parser_->is_done()) return OnRequest();

    ArmTimer(opts_.body_timeout);
    phase_ = Phase::kReadingBody;
    const auto expect = msg.find(bhttp::field::expect);
    if (expect != msg.end() && EqualsIgnoreCase(std::string_view(expect->value().data(),
                                                                 expect->value().size()),
                                                "100-continue")) {
      // The body is within limits (the parser checked Content-Length): invite it.
      net::async_write(socket_, net::buffer(kContinue, sizeof kContinue - 1),
                       [self = shared_from_this()](const error_code& ec, size_t) {
                         if (self->phase_ != Phase::kReadingBody) return;
                         if (self->timed_out_) return self->OnReadTimeout();
                         if (ec) return self->CloseSocket(Status::IOError(ec.message()));
                         self->ReadBody();
                       });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(socket_, buffer_, *parser_,
                      [self = shared_from_this()](const error_code& ec, size_t) {
                        self->OnBody(ec);
                      });
  }

  void OnBody(const error_code& ec) {
    if (phase_ != Phase::kReadingBody) return;
    if (timed_out_) return OnReadTimeout();
    if (ec) return OnReadError(ec);
    OnRequest();
  }

  void OnReadTimeout() {
    switch (phase_) {
      case Phase::kIdle:
        state_->metrics.RecordTimeout(TimeoutPhase::kIdle);
        state_->logger.Log(LogLevel::kDebug, "idle_timeout", "conn", id_, "remote", remote_);
        return CloseSocket(Status::Ok());
      case Phase::kReadingHeader:
        state_->metrics.RecordTimeout(TimeoutPhase::kHeader);
        state_->logger.Log(LogLevel::kInfo, "header_timeout", "conn", id_, "remote", remote_);
        // A connection that sent nothing gets no reply; a partial request gets a 408.
        if (buffer_.size() == 0 && !parser_->got_some()) return CloseSocket(Status::Ok());
        return ReplyErrorAndClose(ErrorCode::kRequestTimeout,
                                  "request header not received within " +
                                      Millis(opts_.header_timeout));
      case Phase::kReadingBody:
        state_->metrics.RecordTimeout(TimeoutPhase::kBody);
        state_->logger.Log(LogLevel::kInfo, "body_timeout", "conn", id_, "remote", remote_);
        return ReplyErrorAndClose(ErrorCode::kRequestTimeout,
                                  "request body not received within " +
                                      Millis(opts_.body_timeout));
      default:
        return CloseSocket(Status::Ok());
    }
  }

  void OnReadError(const error_code& ec) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted) {
      return CloseSocket(Status::Ok());  // the client closed between requests, or we did
    }
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      return ReplyErrorAndClose(ErrorCode::kHeaderTooLarge,
                                "request header exceeds " + std::to_string(opts_.max_header_bytes) +
                                    " bytes");
    }
    if (ec == bhttp::error::body_limit) {
      return ReplyErrorAndClose(ErrorCode::kBodyTooLarge,
                                "request body exceeds " + std::to_string(opts_.max_body_bytes) +
                                    " bytes");
    }
    if (ec == bhttp::error::partial_message) {
      return ReplyErrorAndClose(ErrorCode::kMalformedRequest,
                                "the connection ended before the request was complete");
    }
    if (IsHttpParseError(ec)) {
      return ReplyErrorAndClose(ErrorCode::kMalformedRequest, "malformed request: " + ec.message());
    }
    CloseSocket(Status::IOError(ec.message()));  // reset, broken pipe, ...
  }

  // --- Routing and handling --------------------------------------------------------------

  void OnRequest() {
    CancelTimer();
    phase_ = Phase::kHandling;
    ++seq_;
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    const std::string_view method_token(msg.method_string().data(), msg.method_string().size());
    method_ = ParseMethod(method_token);
    head_ = method_ == Method::kHead;
    target_.assign(msg.target().data(), msg.target().size());
    route_ = nullptr;

    const size_t qmark = target_.find('?');
    std::string_view raw_path = std::string_view(target_).substr(0, qmark);
    const std::string_view raw_query =
        qmark == std::string::npos ? std::string_view() : std::string_view(target_).substr(qmark + 1);
    raw_path = OriginPath(raw_path);

    Router::Match match = state_->router.Find(method_, raw_path);
    switch (match.outcome) {
      case Router::Outcome::kBadPath:
        return WriteResponse(ErrorResponse(ErrorCode::kBadPath, match.error));
      case Router::Outcome::kNotFound:
        return WriteResponse(ErrorResponse(ErrorCode::kNotFound, "no route for this path"));
      case Router::Outcome::kMethodNotAllowed: {
        Response r = ErrorResponse(ErrorCode::kMethodNotAllowed,
                                   std::string(method_token) + " is not allowed here");
        r.headers.Set("Allow", match.allow);
        return WriteResponse(std::move(r));
      }
      case Router::Outcome::kFound:
        break;
    }
    route_ = match.route;
    Result<QueryParams> query = ParseQuery(raw_query);
    if (!query.ok()) return WriteResponse(ErrorResponse(ErrorCode::kBadQuery, query.status().message()));

    Request request;
    request.method = method_;
    request.method_name = std::string(method_token);
    request.target = target_;
    request.path = PercentDecode(raw_path, /*plus_is_space=*/false).value();  // checked by Find
    request.query = std::move(query).value();
    request.route = route_->pattern;
    request.params = std::move(match.params);
    request.rest = std::move(match.rest);
    for (const auto& field : msg) {
      request.headers.Add(std::string(field.name_string().data(), field.name_string().size()),
                          std::string(field.value().data(), field.value().size()));
    }
    request.body = std::move(msg.body());
    request.version = version_;
    request.remote = remote_;
    parser_.reset();

    std::shared_ptr<void> io = state_->io_keepalive.lock();
    Responder responder = ResponderAccess::Make(std::move(io), shared_from_this(), seq_);
    try {
      route_->handler(std::move(request), std::move(responder));
    } catch (const std::exception& e) {
      // The Responder, if the handler still had it, answers 500 as it is destroyed.
      state_->logger.Log(LogLevel::kError, "handler_threw", "route", route_->pattern, "what",
                         e.what());
    } catch (...) {
      state_->logger.Log(LogLevel::kError, "handler_threw", "route", route_->pattern);
    }
  }

  void OnResponse(uint64_t seq, Response response) {
    if (seq != seq_ || phase_ != Phase::kHandling) return;  // late or duplicate
    WriteResponse(std::move(response));
  }

  // --- Writing a response ----------------------------------------------------------------

  // Writes `r` for the current request; it counts in the request metrics.
  void WriteResponse(Response r) {
    if (r.status < 200 || r.status > 599) {
      state_->logger.Log(LogLevel::kError, "invalid_status", "status", r.status, "target", target_);
      r = ErrorResponse(ErrorCode::kInternal, "the handler produced an invalid status");
    }
    count_request_ = true;
    StartWrite(std::move(r), version_, keep_alive_ && !stopping_, Phase::kWriting);
  }

  // Writes `code`'s error reply and closes; not a routed request, counted as a rejection.
  void ReplyErrorAndClose(ErrorCode code, const std::string& message) {
    state_->metrics.RecordRejected(code);
    state_->logger.Log(LogLevel::kInfo, "request_rejected", "conn", id_, "remote", remote_, "code",
                       ErrorCodeName(code), "message", message);
    count_request_ = false;
    StartWrite(ErrorResponse(code, message), 11, /*keep_alive=*/false, Phase::kWriting);
  }

  void StartWrite(Response r, unsigned version, bool keep_alive, Phase phase) {
    response_ = {};
    response_.version(version);
    response_.result(static_cast<unsigned>(r.status));
    for (const auto& [name, value] : r.headers.fields()) {
      if (!IsFramingField(name)) response_.insert(name, value);
    }
    if (!opts_.server_name.empty()) response_.set(bhttp::field::server, opts_.server_name);
    // 204 and 304 carry no body by definition (Beast refuses to frame one).
    if (r.status == 204 || r.status == 304) r.body.clear();
    response_.body() = std::move(r.body);
    response_.prepare_payload();
    response_bytes_ = response_.body().size();
    if (head_ && phase == Phase::kWriting) response_.body().clear();  // Content-Length stays
    response_.keep_alive(keep_alive);
    phase_ = phase;
    ArmTimer(opts_.write_timeout);
    bhttp::async_write(socket_, response_,
                       [self = shared_from_this()](const error_code& ec, size_t) {
                         self->OnWritten(ec);
                       });
  }

  void OnWritten(const error_code& ec) {
    if (phase_ != Phase::kWriting && phase_ != Phase::kRejecting) return;
    CancelTimer();
    if (phase_ == Phase::kWriting && count_request_) {
      RecordRequest(response_.result_int());
    }
    if (ec) return CloseSocket(Status::IOError(ec.message()));
    if (!response_.keep_alive() || stopping_) return GracefulClose();
    NextRequest();
  }

  void RecordRequest(int status) {
    const double seconds = std::chrono::duration<double>(Clock::now() - request_started_).count();
    state_->metrics.RecordRequest(method_, route_, status, seconds);
    state_->logger.Access("remote", remote_, "method", MethodName(method_), "target", target_,
                          "status", status, "bytes", response_bytes_, "ms", seconds * 1000);
  }

  void NextRequest() {
    response_ = {};  // releases the body
    if (buffer_.size() > 0) {
      // A pipelined request is already here: its header timeout starts now.
      ArmTimer(opts_.header_timeout);
      return ReadHeader();
    }
    phase_ = Phase::kIdle;
    ArmTimer(opts_.idle_timeout);
    socket_.async_wait(tcp::socket::wait_read,
                       [self = shared_from_this()](const error_code& ec) {
                         if (self->phase_ != Phase::kIdle) return;
                         if (self->timed_out_) return self->OnReadTimeout();
                         if (ec) return self->CloseSocket(Status::Ok());
                         self->ArmTimer(self->opts_.header_timeout);
                         self->ReadHeader();
                       });
  }

  // --- Rejecting (connection limit) ------------------------------------------------------

  void DoReject() {
    rejecting_ = true;
    state_->metrics.RecordRejected(ErrorCode::kTooManyConnections);
    state_->logger.Log(LogLevel::kInfo, "connection_rejected", "conn", id_, "limit",
                       opts_.max_connections);
    count_request_ = false;
    Response r = ErrorResponse(ErrorCode::kTooManyConnections,
                               "the server is serving its maximum of " +
                                   std::to_string(opts_.max_connections) +
                                   " connections; retry later");
    r.headers.Set("Retry-After", "1");
    StartWrite(std::move(r), 11, /*keep_alive=*/false, Phase::kRejecting);
  }

  // --- Streaming -------------------------------------------------------------------------

  bool StreamIs(uint64_t seq) const { return stream_active_ && seq == stream_seq_; }

  void DoStreamStart(uint64_t seq, StreamOptions options, std::shared_ptr<StreamState> state) {
    if (seq != seq_ || phase_ != Phase::kHandling) {
      state->ended = true;  // late: the connection has moved on or closed
      return;
    }
    stream_seq_ = seq;
    stream_state_ = std::move(state);
    stream_active_ = true;
    stream_close_requested_ = false;
    stream_final_.reset();
    state_->metrics.streams_active.Add(1);
    phase_ = Phase::kStreaming;

    int status = options.status;
    if (status < 200 || status > 599 || status == 204 || status == 304) status = 500;
    stream_header_.emplace(static_cast<bhttp::status>(status), version_);
    for (const auto& [name, value] : options.headers.fields()) {
      if (!IsFramingField(name)) stream_header_->insert(name, value);
    }
    stream_header_->set(bhttp::field::content_type, options.content_type);
    if (stream_header_->find(bhttp::field::cache_control) == stream_header_->end()) {
      stream_header_->set(bhttp::field::cache_control, "no-cache");
    }
    if (!opts_.server_name.empty()) stream_header_->set(bhttp::field::server, opts_.server_name);
    stream_header_->keep_alive(false);
    if (!head_) stream_header_->chunked(true);
    stream_serializer_.emplace(*stream_header_);

    stream_writing_ = true;
    ArmTimer(opts_.write_timeout);
    bhttp::async_write_header(socket_, *stream_serializer_,
                              [self = shared_from_this()](const error_code& ec, size_t) {
                                self->OnStreamHeaderWritten(ec);
                              });
  }

  void OnStreamHeaderWritten(const error_code& ec) {
    if (phase_ != Phase::kStreaming) return;
    CancelTimer();
    stream_writing_ = false;
    response_bytes_ = 0;
    RecordRequest(stream_header_->result_int());
    if (ec) return CloseSocket(Status::IOError("stream header write failed: " + ec.message()));
    if (head_) {
      EndStream(Status::Ok());
      return GracefulClose();
    }
    // The client sends nothing on a stream; reading lets us notice it going away.
    StartDiscardRead();
    PumpStream();
  }

  void OnStreamData(uint64_t seq, std::string bytes) {
    if (!StreamIs(seq) || stream_close_requested_) return;
    stream_queue_.push_back(std::move(bytes));
    PumpStream();
  }

  void RequestStreamEnd(Status status) {
    if (!stream_active_ || stream_close_requested_) return;
    stream_close_requested_ = true;
    stream_end_status_ = std::move(status);
    PumpStream();
  }

  // Writes what is queued as one chunk, or the final chunk once the queue is empty and an
  // end was requested. One write at a time.
  void PumpStream() {
    if (phase_ != Phase::kStreaming || stream_writing_) return;
    if (!stream_queue_.empty()) {
      stream_chunk_.clear();
      for (const std::string& piece : stream_queue_) stream_chunk_ += piece;
      stream_queue_.clear();
      stream_writing_ = true;
      ArmTimer(opts_.write_timeout);
      net::async_write(socket_, bhttp::make_chunk(net::buffer(stream_chunk_)),
                       [self = shared_from_this()](const error_code& ec, size_t) {
                         self->OnChunkWritten(ec);
                       });
      return;
    }
    if (stream_close_requested_) {
      stream_writing_ = true;
      ArmTimer(opts_.write_timeout);
      net::async_write(socket_, bhttp::make_chunk_last(),
                       [self = shared_from_this()](const error_code& ec, size_t) {
                         if (self->phase_ != Phase::kStreaming) return;
                         self->CancelTimer();
                         self->stream_writing_ = false;
                         if (ec) {
                           return self->CloseSocket(
                               Status::IOError("stream write failed: " + ec.message()));
                         }
                         self->EndStream(self->stream_end_status_);
                         self->GracefulClose();
                       });
    }
  }

  void OnChunkWritten(const error_code& ec) {
    if (phase_ != Phase::kStreaming) return;
    CancelTimer();
    stream_writing_ = false;
    // Decrement before looking at wants_drain: see StreamState.
    const size_t left = stream_state_->buffered.fetch_sub(stream_chunk_.size()) - stream_chunk_.size();
    stream_chunk_.clear();
    if (ec) return CloseSocket(Status::IOError("stream write failed: " + ec.message()));
    if (left <= stream_state_->limit / 2 && stream_state_->wants_drain.exchange(false) && on_drain_) {
      InvokeCallback(on_drain_);
    }
    PumpStream();
  }

  // Fires OnClose once and releases the callbacks (which may hold the StreamWriter).
  void EndStream(const Status& status) {
    if (!stream_active_) return;
    stream_active_ = false;
    stream_state_->ended = true;
    stream_final_ = status;
    state_->metrics.streams_active.Add(-1);
    stream_queue_.clear();
    on_drain_ = nullptr;
    std::function<void(const Status&)> on_close = std::move(on_close_);
    on_close_ = nullptr;
    if (on_close) InvokeCallback([&] { on_close(status); });
  }

  template <typename F>
  void InvokeCallback(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      state_->logger.Log(LogLevel::kError, "stream_callback_threw", "what", e.what());
    } catch (...) {
      state_->logger.Log(LogLevel::kError, "stream_callback_threw");
    }
  }

  // --- Closing ---------------------------------------------------------------------------

  void DoBeginShutdown() {
    stopping_ = true;
    switch (phase_) {
      case Phase::kIdle:
      case Phase::kReadingHeader:
      case Phase::kReadingBody:
      case Phase::kRejecting:
      case Phase::kLingering:
        // No request is being handled: nothing to finish.
        return CloseSocket(Status::Shutdown("server stopping"));
      case Phase::kHandling:
      case Phase::kWriting:
        return;  // the response goes out with Connection: close, then GracefulClose
      case Phase::kStreaming:
        return RequestStreamEnd(Status::Shutdown("server stopping"));
      case Phase::kClosed:
        return;
    }
  }

  // Stops sending and discards input until the client closes (see Options::linger_timeout).
  void GracefulClose() {
    Unregister();
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kLingering;
    lingered_bytes_ = 0;
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return CloseSocket(Status::Ok());
    ArmTimer(opts_.linger_timeout);
    StartDiscardRead();
  }

  // One read loop serves both streams (to see the client leave) and lingering; only one is
  // ever outstanding, even when a stream ends into lingering.
  void StartDiscardRead() {
    if (discard_reading_) return;
    discard_reading_ = true;
    socket_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](const error_code& ec, size_t n) {
                              self->discard_reading_ = false;
                              self->OnDiscardRead(ec, n);
                            });
  }

  void OnDiscardRead(const error_code& ec, size_t n) {
    if (phase_ == Phase::kStreaming) {
      if (ec) return CloseSocket(Status::IOError("client disconnected"));
      return StartDiscardRead();
    }
    if (phase_ == Phase::kLingering) {
      lingered_bytes_ += n;
      if (ec || lingered_bytes_ >= opts_.linger_max_bytes) return CloseSocket(Status::Ok());
      return StartDiscardRead();
    }
  }

  void Unregister() {
    if (!registered_) return;
    registered_ = false;
    state_->tracker.Remove(id_);
    state_->metrics.connections_active.Add(-1);
  }

  // `reason` is reported to an active stream's OnClose.
  void CloseSocket(const Status& reason) {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    Unregister();
    CancelTimer();
    if (stream_active_) EndStream(stopping_ && reason.ok() ? Status::Shutdown("server stopping") : reason);
    if (rejecting_) {
      rejecting_ = false;
      state_->rejecting.fetch_sub(1);
    }
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    state_->logger.Log(LogLevel::kDebug, "connection_closed", "conn", id_, "remote", remote_);
  }

  // --- State (all owned by the strand) ---------------------------------------------------

  const std::shared_ptr<ServerState> state_;
  const Options& opts_;  // in *state_
  const uint64_t id_;
  tcp::socket socket_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  std::string remote_;

  Phase phase_ = Phase::kReadingHeader;
  uint64_t timer_generation_ = 0;
  bool timed_out_ = false;
  bool stopping_ = false;
  bool registered_ = false;   // in the tracker and the active-connections gauge
  bool rejecting_ = false;    // counted in state_->rejecting
  bool discard_reading_ = false;
  size_t lingered_bytes_ = 0;
  std::array<char, 4096> discard_;

  // The current request.
  uint64_t seq_ = 0;  // Responder / StreamWriter posts for another seq are stale
  Method method_ = Method::kGet;
  bool head_ = false;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  std::string target_;
  const Router::Route* route_ = nullptr;
  Clock::time_point request_started_;
  bool count_request_ = false;
  size_t response_bytes_ = 0;

  // The stream, when phase_ is kStreaming (stream_final_ survives its end).
  uint64_t stream_seq_ = 0;
  bool stream_active_ = false;
  bool stream_writing_ = false;
  bool stream_close_requested_ = false;
  Status stream_end_status_;
  std::optional<Status> stream_final_;
  std::shared_ptr<StreamState> stream_state_;
  std::optional<bhttp::response<bhttp::empty_body>> stream_header_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> stream_serializer_;
  std::deque<std::string> stream_queue_;
  std::string stream_chunk_;  // being written
  std::function<void()> on_drain_;
  std::function<void(const Status&)> on_close_;
};

}  // namespace

std::shared_ptr<Connection> NewConnection(tcp::socket socket, std::shared_ptr<ServerState> state,
                                          uint64_t id) {
  return std::make_shared<ConnectionImpl>(std::move(socket), std::move(state), id);
}

}  // namespace coord::api::http::detail
