// InboundConnection: one TCP connection a peer dialed to this node. It reads the peer's magic
// and Hello, asks the core to admit it (handshake.h), answers with a HelloReply, and then
// decodes message frames and hands each message to the core for delivery.
//
// What closes it (each counted and logged once, see Stats/Event):
//   - bytes that are not the magic, an unparsable frame, a frame announcing more than the
//     limit (kMaxHandshakeFrameBytes before the handshake, max_frame_bytes after), or the
//     stream ending inside a frame: a protocol error;
//   - no complete Hello within handshake_timeout;
//   - a refused handshake: after the reply is written the connection reads nothing more
//     (bytes already sent are discarded unparsed, so they never reach the handler) and
//     closes once the peer hangs up or after a short linger;
//   - the core: peer removed, replaced by a newer connection from the same address, or stop.
//
// Thread-safety: I/O thread only. Completion handlers hold the connection alive.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "raft/transport/counters.h"
#include "raft/transport/frame.h"
#include "raft/transport/handshake.h"

namespace coord::raft::transport {

class TransportCore;

class InboundConnection : public std::enable_shared_from_this<InboundConnection> {
 public:
  InboundConnection(TransportCore* core, boost::asio::ip::tcp::socket socket);

  void Start();
  // Closes the connection (no-op if closed) and reports kInboundClosed if the handshake had
  // passed. The caller must hold a shared_ptr to it: the core's registry lets go of it here.
  void Close(const std::string& reason);

  uint64_t peer_id() const { return peer_id_; }  // 0 until the handshake passes
  const std::string& remote_ip() const { return remote_ip_; }
  const std::string& remote() const { return remote_; }  // "ip:port"

 private:
  enum class State { kHandshake, kOpen, kRefused, kClosed };

  void Read();
  void OnRead(const boost::system::error_code& ec, size_t n);
  // Each returns false when the connection was closed (stop processing).
  bool ProcessFrames();
  bool OnHello(std::span<const uint8_t> payload);
  bool OnMessage(std::span<const uint8_t> payload);
  void WriteReply(const pb::HelloReply& reply);
  void Linger();
  void Drain();
  void ProtocolError(const std::string& reason);
  // Closes, unregisters from the core, reports kInboundClosed if the handshake had passed;
  // `log`: write the inbound_closed line (false when the caller already logged why).
  void Finish(const std::string& reason, bool log);

  TransportCore* const core_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;  // handshake deadline, then the refusal linger
  FrameDecoder decoder_;
  std::string reply_buffer_;
  std::shared_ptr<PeerCounters> peer_counters_;  // set by the handshake
  std::string remote_;
  std::string remote_ip_;
  uint64_t peer_id_ = 0;
  uint64_t claimed_id_ = 0;  // from the Hello, even if refused (for logs)
  State state_ = State::kHandshake;
};

}  // namespace coord::raft::transport
