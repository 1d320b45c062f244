// Peer: everything this node keeps to send to one other node: the bounded send queue, the
// counters, and the dial loop that keeps one outbound connection (an OutboundLink) up,
// redialling with backoff when it fails.
//
// Thread-safety: id(), queue() and counters() may be used from any thread. Everything else
// runs on the transport's I/O thread, which owns the link, the backoff and the retry timer.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "raft/transport/address.h"
#include "raft/transport/backoff.h"
#include "raft/transport/counters.h"
#include "raft/transport/send_queue.h"

namespace coord::raft::transport {

class OutboundLink;
class TransportCore;

class Peer : public std::enable_shared_from_this<Peer> {
 public:
  // `core` must outlive the I/O thread's use of this peer (it does: it joins that thread).
  Peer(TransportCore* core, uint64_t id, HostPort address, uint64_t seed);

  uint64_t id() const { return id_; }
  SendQueue& queue() { return queue_; }
  const std::shared_ptr<PeerCounters>& counters() const { return counters_; }

  // I/O thread: begins dialing.
  void Start();
  // I/O thread: redials at `address` now; the queue is kept.
  void SetAddress(HostPort address);
  // I/O thread: closes the connection for good and discards the queue (peer removed or
  // transport stopping). Later calls on this peer do nothing.
  void Close();
  // I/O thread: messages were queued while the writer was idle.
  void Kick();

  // From the current OutboundLink, on the I/O thread.
  TransportCore& core() { return *core_; }
  const HostPort& address() const { return address_; }
  void OnLinkUp(OutboundLink* link);
  // `was_up`: the handshake had completed; `lost`: messages in a write that failed.
  void OnLinkDown(OutboundLink* link, const std::string& reason, bool was_up, size_t lost);

 private:
  void Dial();
  void ScheduleDial();
  void DropLink();  // closes the current link without a callback, counting lost messages

  TransportCore* const core_;
  const uint64_t id_;
  SendQueue queue_;
  const std::shared_ptr<PeerCounters> counters_;

  // I/O thread only.
  HostPort address_;
  Backoff backoff_;
  boost::asio::steady_timer retry_timer_;
  bool dial_pending_ = false;  // retry_timer_ is armed for a Dial()
  std::shared_ptr<OutboundLink> link_;
  bool closed_ = false;
  bool ever_connected_ = false;
  std::chrono::steady_clock::time_point up_since_;  // when the current link came up
  std::string last_failure_;  // repeated identical failures are logged at debug only
};

}  // namespace coord::raft::transport
