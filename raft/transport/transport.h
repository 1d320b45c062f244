// Transport: carries Raft messages (coord::raft::pb::Message) between coordd replicas over TCP.
//
// Each node dials one outgoing connection to every peer and sends on it only; it receives on
// the connections its peers dial to it. A connection starts with a handshake (cluster id,
// node ids, protocol version: raft/transport/handshake.h) and then carries length-prefixed
// protobuf frames (raft/transport/frame.h). Lost connections are redialled with capped,
// jittered exponential backoff. Messages for a peer wait in a bounded per-peer queue
// (send_queue.h); beyond the bound they are dropped and counted, as Raft tolerates loss.
// Queued messages are written in batches, many frames per socket write. Formats, limits and
// measured throughput: docs/transport.md.
//
// Threading. A Transport owns one I/O thread (and its io_context), started by Start() and
// joined by Stop(). That thread owns every socket, timer and connection state; the message
// and event handlers run on it, one call at a time, so they must be quick and must not block
// (hand messages to the Raft thread's inbox). The public members below may be called from any
// thread, including from inside the handlers, except where noted. Between callers and the
// I/O thread, state is shared only through: the peer table (a mutex, changed only by peer
// updates), each peer's send queue (its own mutex, held only to move messages), and atomic
// counters. Lock order: the peer table before a send queue.
//
// Note on names: inside coord::raft::transport, `pb::` is the handshake protobuf package
// (transport.proto); Raft messages are `raft::pb::Message`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "raft/raft.pb.h"
#include "raft/status.h"
#include "raft/transport/event.h"
#include "raft/transport/stats.h"

namespace coord::raft::transport {

class TransportCore;

class Transport {
 public:
  struct Options {
    uint64_t cluster_id = 0;  // peers of another cluster are refused
    uint64_t node_id = 0;     // this node; must be non-zero
    // Where to accept peers: an IP address literal ("0.0.0.0" or "::" for every interface).
    std::string listen_host = "127.0.0.1";
    uint16_t listen_port = 0;  // 0: any free port (see listen_port())
    // Peer id -> "host:port" (host may be a DNS name; resolved at each dial). An entry for
    // node_id itself is ignored, so the cluster's full address book can be passed as is.
    std::map<uint64_t, std::string> peers;

    // A frame announcing more is refused and its connection closed; Send drops messages
    // larger than this (the peer would refuse them). At most 4 GiB - 1.
    size_t max_frame_bytes = 16u << 20;
    // Per-peer send queue bounds; a message that would exceed either is dropped.
    // max_queue_bytes_per_peer must be >= max_frame_bytes.
    size_t max_queue_per_peer = 4096;
    size_t max_queue_bytes_per_peer = 64u << 20;
    // Frames gathered into one socket write, by size (a single larger frame is written alone).
    size_t max_write_bytes = 1u << 20;

    // Reconnection: first delay, doubling per failure up to the cap, jittered to [d/2, d];
    // back to the first delay once a connection has stayed up for backoff_max.
    std::chrono::milliseconds backoff_initial{100};
    std::chrono::milliseconds backoff_max{3000};
    // Budget for resolve + connect + handshake (dialer), and for the handshake (acceptor).
    std::chrono::milliseconds handshake_timeout{5000};
    // Unacknowledged data older than this, or a peer silent to keepalive probes for about as
    // long, breaks the connection (TCP_USER_TIMEOUT + keepalive); 0 keeps the OS defaults,
    // which take many minutes to notice a vanished peer.
    std::chrono::milliseconds tcp_user_timeout{10000};
    // Seeds the backoff jitter; 0 draws a seed from std::random_device.
    uint64_t seed = 0;
  };

  // Receives each message from a peer, in the order that peer sent it (no order across peers).
  // Runs on the I/O thread; must not block or throw. Messages from a connection whose handshake
  // failed never get here, nor do messages whose `from` differs from the id of the handshake.
  using MessageHandler = std::function<void(raft::pb::Message)>;

  // Validates `options`, binds the listening socket, starts the I/O thread and begins dialing
  // every peer. Errors: kInvalidArgument (bad option or address), kIOError (cannot listen,
  // e.g. "cannot listen on 127.0.0.1:7001: Address already in use").
  static Result<std::unique_ptr<Transport>> Start(Options options, MessageHandler on_message,
                                                  EventHandler on_event = nullptr);

  // Stops (see Stop()). REQUIRES: not called from the transport's own handlers.
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Queues messages for their recipients (each names its `to`) and returns at once; never
  // blocks on the network. Messages to one peer are written in call order. A message is
  // dropped (and counted in Stats) if its `to` is not a peer, if it is larger than
  // max_frame_bytes, if the peer's queue is full, or if the transport has stopped. Delivery is
  // best-effort: a message written just before a connection breaks may be lost.
  void Send(raft::pb::Message message);
  void Send(std::vector<raft::pb::Message> messages);

  // Membership changes. UpdatePeers replaces the whole peer set; AddPeer adds a peer or moves
  // it to a new address (its connection is redialled, its queue kept); RemovePeer closes both
  // directions of a peer's connections and discards its queue. Addresses are checked before
  // anything changes: kInvalidArgument leaves the peer set as it was. An entry for this
  // node itself is ignored.
  Status UpdatePeers(const std::map<uint64_t, std::string>& peers);
  Status AddPeer(uint64_t id, const std::string& address);
  void RemovePeer(uint64_t id);

  // Whether our stream to `id` is up (its handshake accepted us). False for unknown ids.
  bool IsConnected(uint64_t id) const;
  Stats stats() const;
  // The port actually listened on (useful with listen_port = 0).
  uint16_t listen_port() const;
  uint64_t node_id() const;

  // Closes the listener and every connection, discards queued messages and joins the I/O
  // thread; afterwards no handler is called and Send drops everything. Idempotent. From inside
  // a handler it shuts down without joining (the destructor joins later, from another thread).
  void Stop();

 private:
  explicit Transport(std::unique_ptr<TransportCore> core);

  std::unique_ptr<TransportCore> core_;
};

}  // namespace coord::raft::transport
