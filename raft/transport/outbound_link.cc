#include "raft/transport/outbound_link.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include "raft/transport/handshake.h"
#include "raft/transport/peer.h"
#include "raft/transport/socket_options.h"
#include "raft/transport/transport_core.h"

namespace coord::raft::transport {

namespace {

// A write buffer that grew past this (a large message) is released after its write.
constexpr size_t kKeepWriteBuffer = 4u << 20;

}  // namespace

OutboundLink::OutboundLink(Peer* peer, HostPort address)
    : peer_(peer),
      address_(std::move(address)),
      resolver_(peer->core().io()),
      socket_(peer->core().io()),
      deadline_(peer->core().io()),
      reply_decoder_(kMaxHandshakeFrameBytes, /*expect_magic=*/true) {}

void OutboundLink::Start() {
  const auto budget = peer_->core().options().handshake_timeout;
  deadline_.expires_after(budget);
  deadline_.async_wait([self = shared_from_this(), budget](const boost::system::error_code& ec) {
    if (ec || self->closed_ || self->up_) return;
    self->Fail("no handshake within " + std::to_string(budget.count()) + "ms");
  });
  resolver_.async_resolve(
      address_.host, std::to_string(address_.port),
      [self = shared_from_this()](const boost::system::error_code& ec,
                                  const boost::asio::ip::tcp::resolver::results_type& results) {
        if (self->closed_) return;
        if (ec) return self->Fail("cannot resolve " + self->address_.host + ": " + ec.message());
        self->Connect(results);
      });
}

void OutboundLink::Connect(const boost::asio::ip::tcp::resolver::results_type& endpoints) {
  boost::asio::async_connect(
      socket_, endpoints,
      [self = shared_from_this()](const boost::system::error_code& ec,
                                  const boost::asio::ip::tcp::endpoint&) {
        if (self->closed_) return;
        if (ec) return self->Fail("connect: " + ec.message());
        ConfigurePeerSocket(self->socket_, self->peer_->core().options().tcp_user_timeout);
        self->SendHello();
        self->ReadReply();
      });
}

void OutboundLink::SendHello() {
  const auto& options = peer_->core().options();
  write_buffer_.clear();
  AppendMagic(&write_buffer_);
  AppendFrame(&write_buffer_, MakeHello(options.cluster_id, options.node_id, peer_->id()));
  writing_ = true;
  boost::asio::async_write(
      socket_, boost::asio::buffer(write_buffer_),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
        self->writing_ = false;
        if (self->closed_) return;
        if (ec) return self->Fail("sending handshake: " + ec.message());
        // The reply may have arrived first; messages could not be written before now.
        if (self->up_) self->WriteNext();
      });
}

void OutboundLink::ReadReply() {
  auto space = reply_decoder_.WritableSpan(256);
  socket_.async_read_some(
      boost::asio::buffer(space.data(), space.size()),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
        if (self->closed_) return;
        if (ec == boost::asio::error::eof) {
          return self->Fail("peer closed the connection during the handshake");
        }
        if (ec) return self->Fail("reading handshake reply: " + ec.message());
        self->reply_decoder_.Commit(n);
        std::span<const uint8_t> payload;
        switch (self->reply_decoder_.Next(&payload)) {
          case FrameDecoder::Outcome::kNeedMore:
            return self->ReadReply();
          case FrameDecoder::Outcome::kBadMagic:
            return self->Fail("peer is not a coord Raft transport (bad magic in reply)");
          case FrameDecoder::Outcome::kTooLarge:
            return self->Fail("handshake reply too large");
          case FrameDecoder::Outcome::kFrame:
            return self->OnReply(payload);
        }
      });
}

void OutboundLink::OnReply(std::span<const uint8_t> payload) {
  pb::HelloReply reply;
  if (!reply.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return Fail("unparsable handshake reply");
  }
  if (reply_decoder_.buffered() != 0) return Fail("unexpected bytes after the handshake reply");
  const auto& options = peer_->core().options();
  const Status status = CheckReply(reply, options.cluster_id, peer_->id());
  if (!status.ok()) return Fail(status.message());
  up_ = true;
  deadline_.cancel();
  peer_->OnLinkUp(this);
  if (closed_) return;  // OnLinkUp may stop the transport (from an event handler)
  WatchForClose();
  WriteNext();
}

void OutboundLink::WatchForClose() {
  socket_.async_read_some(
      boost::asio::buffer(watch_buffer_),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
        if (self->closed_) return;
        if (ec == boost::asio::error::eof) return self->Fail("peer closed the connection");
        if (ec) return self->Fail("connection lost: " + ec.message());
        self->Fail("peer sent data on a send-only stream");
      });
}

void OutboundLink::Kick() {
  if (up_) WriteNext();
}

void OutboundLink::WriteNext() {
  if (closed_ || writing_ || !up_) return;
  const size_t max_write = peer_->core().options().max_write_bytes;
  batch_.clear();
  if (peer_->queue().TakeBatch(max_write, &batch_) == 0) return;  // idle until the next Kick
  if (write_buffer_.capacity() > kKeepWriteBuffer) std::string().swap(write_buffer_);
  write_buffer_.clear();
  for (const SendQueue::Item& item : batch_) AppendFrame(&write_buffer_, item.message);
  in_flight_ = batch_.size();
  batch_.clear();  // the bytes are in write_buffer_; free the messages now
  writing_ = true;
  boost::asio::async_write(
      socket_, boost::asio::buffer(write_buffer_),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t bytes) {
        self->writing_ = false;
        if (self->closed_) return;
        if (ec) return self->Fail("write: " + ec.message());
        const size_t messages = std::exchange(self->in_flight_, 0);
        Counters& counters = self->peer_->core().counters();
        PeerCounters& peer = *self->peer_->counters();
        Bump(counters.writes);
        Bump(counters.messages_sent, messages);
        Bump(counters.bytes_sent, bytes);
        Bump(peer.messages_sent, messages);
        Bump(peer.bytes_sent, bytes);
        self->WriteNext();
      });
}

void OutboundLink::Fail(const std::string& reason) {
  if (closed_) return;
  const bool was_up = up_;
  const size_t lost = Teardown();
  peer_->OnLinkDown(this, reason, was_up, lost);
}

size_t OutboundLink::Close() {
  if (closed_) return 0;
  return Teardown();
}

size_t OutboundLink::Teardown() {
  closed_ = true;
  boost::system::error_code ignored;
  resolver_.cancel();
  deadline_.cancel();
  socket_.close(ignored);
  return std::exchange(in_flight_, 0);
}

}  // namespace coord::raft::transport
