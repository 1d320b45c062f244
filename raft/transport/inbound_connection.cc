#include "raft/transport/inbound_connection.h"

#include <boost/asio/write.hpp>

#include "raft/log.h"
#include "raft/transport/socket_options.h"
#include "raft/transport/transport_core.h"

namespace coord::raft::transport {

namespace {

// Bytes asked for per read: many small frames arrive per read; a large frame is read in place
// in bigger pieces (FrameDecoder::WritableSpan grows to the rest of the frame).
constexpr size_t kReadChunk = 64u << 10;
// How long a refused connection is given to read our reply and hang up.
constexpr auto kRefusalLinger = std::chrono::seconds(1);

std::string EndpointString(const boost::asio::ip::tcp::endpoint& endpoint) {
  const std::string ip = endpoint.address().to_string();
  const std::string port = std::to_string(endpoint.port());
  return endpoint.address().is_v6() ? "[" + ip + "]:" + port : ip + ":" + port;
}

}  // namespace

InboundConnection::InboundConnection(TransportCore* core, boost::asio::ip::tcp::socket socket)
    : core_(core),
      socket_(std::move(socket)),
      timer_(core->io()),
      decoder_(kMaxHandshakeFrameBytes, /*expect_magic=*/true) {
  boost::system::error_code ec;
  const auto endpoint = socket_.remote_endpoint(ec);
  if (ec) {
    remote_ = remote_ip_ = "unknown";
  } else {
    remote_ = EndpointString(endpoint);
    remote_ip_ = endpoint.address().to_string();
  }
}

void InboundConnection::Start() {
  ConfigurePeerSocket(socket_, core_->options().tcp_user_timeout);
  const auto budget = core_->options().handshake_timeout;
  timer_.expires_after(budget);
  timer_.async_wait([self = shared_from_this(), budget](const boost::system::error_code& ec) {
    if (ec || self->state_ != State::kHandshake) return;
    self->ProtocolError("no handshake within " + std::to_string(budget.count()) + "ms");
  });
  Read();
}

void InboundConnection::Read() {
  const auto space = decoder_.WritableSpan(kReadChunk);
  socket_.async_read_some(boost::asio::buffer(space.data(), space.size()),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      size_t n) { self->OnRead(ec, n); });
}

void InboundConnection::OnRead(const boost::system::error_code& ec, size_t n) {
  if (state_ == State::kClosed || state_ == State::kRefused) return;
  if (ec == boost::asio::error::eof) {
    if (decoder_.buffered() != 0) {
      return ProtocolError("stream ended inside a frame (" + std::to_string(decoder_.buffered()) +
                           " bytes of it received)");
    }
    return Finish(state_ == State::kOpen ? "peer closed the connection"
                                         : "peer closed the connection before its handshake",
                  /*log=*/true);
  }
  if (ec) return Finish("read: " + ec.message(), /*log=*/true);
  decoder_.Commit(n);
  if (ProcessFrames()) Read();
}

bool InboundConnection::ProcessFrames() {
  for (;;) {
    std::span<const uint8_t> payload;
    switch (decoder_.Next(&payload)) {
      case FrameDecoder::Outcome::kNeedMore:
        return true;
      case FrameDecoder::Outcome::kBadMagic:
        ProtocolError("not a coord Raft transport stream (bad magic bytes)");
        return false;
      case FrameDecoder::Outcome::kTooLarge:
        ProtocolError("frame of " + std::to_string(decoder_.announced_length()) +
                      " bytes exceeds the limit of " + std::to_string(decoder_.max_frame_bytes()) +
                      (state_ == State::kHandshake ? " bytes for a handshake" : " bytes"));
        return false;
      case FrameDecoder::Outcome::kFrame:
        if (!(state_ == State::kHandshake ? OnHello(payload) : OnMessage(payload))) return false;
        break;
    }
  }
}

bool InboundConnection::OnHello(std::span<const uint8_t> payload) {
  pb::Hello hello;
  if (!hello.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    ProtocolError("unparsable handshake");
    return false;
  }
  claimed_id_ = hello.from();
  const auto& options = core_->options();
  const Admission admission = core_->AdmitInbound(this, hello, &peer_counters_);
  const pb::HelloReply reply = MakeReply(admission, options.cluster_id, options.node_id);
  // Counters are updated before the reply can leave, so a peer that has read the reply finds
  // the outcome in Stats.
  if (!admission.accepted()) {
    state_ = State::kRefused;
    Bump(core_->counters().handshakes_refused);
    WriteReply(reply);
    Log(LogLevel::kWarn, "handshake_refused",
        "node", options.node_id, "remote", remote_, "claimed_node", hello.from(),
        "claimed_cluster", hello.cluster_id(), "refusal", pb::Refusal_Name(admission.refusal),
        "reason", admission.reason);
    core_->Emit({Event::Type::kHandshakeRefused, hello.from(), remote_, admission.reason});
    if (state_ == State::kRefused) Linger();  // unless the event handler stopped the transport
    return false;
  }
  state_ = State::kOpen;
  peer_id_ = hello.from();
  timer_.cancel();
  decoder_.set_max_frame_bytes(options.max_frame_bytes);
  peer_counters_->inbound_connected.store(true);
  Bump(core_->counters().inbound_accepted);
  WriteReply(reply);
  Log(LogLevel::kInfo, "inbound_accepted",
      "node", options.node_id, "peer", peer_id_, "remote", remote_);
  core_->Emit({Event::Type::kInboundAccepted, peer_id_, remote_, ""});
  return state_ == State::kOpen;  // the event handler may have stopped the transport
}

bool InboundConnection::OnMessage(std::span<const uint8_t> payload) {
  raft::pb::Message message;
  if (!message.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    ProtocolError("unparsable Raft message frame");
    return false;
  }
  Counters& counters = core_->counters();
  if (message.from() != peer_id_ || message.to() != core_->options().node_id) {
    // A peer's bug or a spoof: it may not speak for another node, nor to one.
    const uint64_t rejected = counters.messages_rejected.fetch_add(1) + 1;
    Log(IsPowerOfTwo(rejected) ? LogLevel::kWarn : LogLevel::kDebug, "message_rejected",
        "node", core_->options().node_id, "peer", peer_id_, "from", message.from(),
        "to", message.to(), "rejected_total", rejected);
    return true;
  }
  const uint64_t bytes = kLengthBytes + payload.size();
  Bump(counters.messages_received);
  Bump(counters.bytes_received, bytes);
  Bump(peer_counters_->messages_received);
  Bump(peer_counters_->bytes_received, bytes);
  core_->Deliver(std::move(message));
  return state_ == State::kOpen;  // the handler may have stopped the transport
}

void InboundConnection::WriteReply(const pb::HelloReply& reply) {
  reply_buffer_.clear();
  AppendMagic(&reply_buffer_);
  AppendFrame(&reply_buffer_, reply);
  boost::asio::async_write(
      socket_, boost::asio::buffer(reply_buffer_),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
        if (self->state_ == State::kClosed) return;
        if (ec) return self->Finish("writing handshake reply: " + ec.message(), /*log=*/true);
        if (self->state_ == State::kRefused) {
          // Our reply is all the peer gets: end our direction so it sees EOF after it.
          boost::system::error_code ignored;
          self->socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
        }
      });
}

void InboundConnection::Linger() {
  // Closing with unread bytes would make the kernel send a reset, which can destroy the
  // reply before the peer reads it. So drain until the peer hangs up, for a bounded time.
  timer_.expires_after(kRefusalLinger);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->Finish("handshake refused", /*log=*/false);
  });
  Drain();
}

void InboundConnection::Drain() {
  // Into the decoder's free space, never committed: these bytes are never parsed.
  const auto space = decoder_.WritableSpan(4096);
  socket_.async_read_some(boost::asio::buffer(space.data(), space.size()),
                          [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                            if (self->state_ != State::kRefused) return;
                            if (ec) return self->Finish("handshake refused", /*log=*/false);
                            self->Drain();
                          });
}

void InboundConnection::ProtocolError(const std::string& reason) {
  if (state_ == State::kClosed) return;
  Bump(core_->counters().protocol_errors);
  const uint64_t peer = state_ == State::kOpen ? peer_id_ : claimed_id_;
  Log(LogLevel::kWarn, "inbound_protocol_error",
      "node", core_->options().node_id, "remote", remote_, "peer", peer, "reason", reason);
  core_->Emit({Event::Type::kProtocolError, peer, remote_, reason});
  Finish(reason, /*log=*/false);
}

void InboundConnection::Close(const std::string& reason) { Finish(reason, /*log=*/true); }

void InboundConnection::Finish(const std::string& reason, bool log) {
  if (state_ == State::kClosed) return;
  const bool was_open = state_ == State::kOpen;
  state_ = State::kClosed;
  boost::system::error_code ignored;
  timer_.cancel();
  socket_.close(ignored);
  core_->OnInboundClosed(this);
  if (!was_open) return;
  peer_counters_->inbound_connected.store(false);
  if (log) {
    Log(LogLevel::kInfo, "inbound_closed",
        "node", core_->options().node_id, "peer", peer_id_, "remote", remote_, "reason", reason);
  }
  core_->Emit({Event::Type::kInboundClosed, peer_id_, remote_, reason});
}

}  // namespace coord::raft::transport
