// OutboundLink: one TCP connection attempt from this node to a peer, and if it succeeds, the
// stream that carries the peer's queued messages.
//
//   resolve -> connect -> send magic + Hello -> read magic + HelloReply -> up
//   up: take a batch from the peer's SendQueue, serialize it into one buffer, one async_write,
//       repeat until the queue is empty (then wait for Kick()); meanwhile one read watches for
//       the peer closing the stream (the acceptor never sends after its reply).
//
// Any error, or the handshake_timeout passing before "up", ends the link: it reports to its
// Peer once (OnLinkDown) and is never reused; the Peer dials a fresh one. A link is single-use
// so that completions of a dead connection cannot touch the next one.
//
// Thread-safety: I/O thread only. Completion handlers hold the link alive; after Close() or
// the failure report they return without touching the Peer.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "raft/transport/address.h"
#include "raft/transport/frame.h"
#include "raft/transport/send_queue.h"

namespace coord::raft::transport {

class Peer;

class OutboundLink : public std::enable_shared_from_this<OutboundLink> {
 public:
  // `peer` must stay alive until it calls Close() or receives OnLinkDown().
  OutboundLink(Peer* peer, HostPort address);

  void Start();
  // Writes queued messages if no write is in progress.
  void Kick();
  // Ends the link without reporting to the Peer; returns how many messages were in a write
  // that had not completed (lost).
  size_t Close();

 private:
  void Connect(const boost::asio::ip::tcp::resolver::results_type& endpoints);
  void SendHello();
  void ReadReply();
  void OnReply(std::span<const uint8_t> payload);
  void WatchForClose();
  void WriteNext();
  void Fail(const std::string& reason);
  size_t Teardown();

  Peer* const peer_;
  const HostPort address_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer deadline_;  // connect + handshake budget
  FrameDecoder reply_decoder_;
  std::deque<SendQueue::Item> batch_;  // holds messages only while serializing
  std::string write_buffer_;            // frames of the write in progress
  size_t in_flight_ = 0;                // messages in write_buffer_
  std::array<uint8_t, 64> watch_buffer_{};
  bool up_ = false;
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace coord::raft::transport
