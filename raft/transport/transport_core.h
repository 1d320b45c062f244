// TransportCore: the machinery behind Transport, which is its public, thread-safe facade.
// Internal to raft/transport; see transport.h for the contract and the threading model.
//
// Ownership. The core owns the io_context and the one thread that runs it (the "I/O thread"),
// the listening socket, the peer table (id -> Peer, each Peer owning its send queue, backoff
// and current outbound link) and the registry of accepted connections. Peers and connections
// point back at the core with a plain pointer: the core joins the I/O thread before it is
// destroyed, and nothing outside that thread calls into them.
//
// State and who may touch it:
//   options_, on_message_, on_event_              immutable after construction: any thread
//   counters_, stopped_                           atomics: any thread
//   peers_, seed_base_                            GUARDED_BY(peers_mu_): any thread
//   acceptor_, inbound_, inbound_by_peer_         I/O thread only (acceptor_ also in Listen(),
//                                                 before the thread starts)
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "raft/transport/address.h"
#include "raft/transport/counters.h"
#include "raft/transport/handshake.h"
#include "raft/transport/transport.h"

namespace coord::raft::transport {

class InboundConnection;
class Peer;

class TransportCore {
 public:
  using Options = Transport::Options;

  // REQUIRES: options validated (ValidateOptions), `peers` parsed from options.peers.
  TransportCore(Options options, std::map<uint64_t, HostPort> peers,
                Transport::MessageHandler on_message, EventHandler on_event);
  // Stops (joining the I/O thread) if Stop() was not called.
  ~TransportCore();
  TransportCore(const TransportCore&) = delete;
  TransportCore& operator=(const TransportCore&) = delete;

  // Checks option values that do not need the network. Any thread.
  static Status ValidateOptions(const Options& options);

  // Binds and listens. Caller thread, before Run().
  Status Listen();
  // Starts the I/O thread: accepting, and dialing every peer. Once.
  void Run();

  // The facade's members (any thread unless noted; see transport.h).
  void Send(raft::pb::Message message);
  void Send(std::vector<raft::pb::Message> messages);
  void SetPeers(std::map<uint64_t, HostPort> peers);
  void AddPeer(uint64_t id, HostPort address);
  void RemovePeer(uint64_t id);
  bool IsConnected(uint64_t id) const;
  Stats stats() const;
  uint16_t listen_port() const { return listen_port_; }
  void Stop();

  // For peers and connections, on the I/O thread (options() and counters(): any thread).
  boost::asio::io_context& io() { return io_; }
  const Options& options() const { return options_; }
  Counters& counters() { return counters_; }
  bool stopped() const { return stopped_.load(std::memory_order_acquire); }
  void Emit(Event event);
  // Decides on an inbound handshake; on acceptance registers `connection` as the stream from
  // hello.from (closing the one it replaces) and sets *peer_counters.
  Admission AdmitInbound(InboundConnection* connection, const pb::Hello& hello,
                         std::shared_ptr<PeerCounters>* peer_counters);
  void Deliver(raft::pb::Message message);
  // `connection` has closed: forget it.
  void OnInboundClosed(InboundConnection* connection);

 private:
  struct PeerEntry {
    std::shared_ptr<Peer> peer;
    std::string address;  // for Stats
  };

  // Queues one message; adds the peer to *wake if its writer must be woken.
  // REQUIRES: peers_mu_ held.
  void EnqueueLocked(raft::pb::Message&& message, size_t bytes,
                     std::vector<std::shared_ptr<Peer>>* wake);
  void Wake(const std::vector<std::shared_ptr<Peer>>& peers);
  // Applies a new peer set: REQUIRES: peers_mu_ held (the I/O work is posted, in order).
  void ChangePeersLocked(const std::map<uint64_t, HostPort>& add_or_move,
                         const std::vector<uint64_t>& remove);
  std::shared_ptr<Peer> NewPeerLocked(uint64_t id, const HostPort& address);
  void Accept();
  void CloseInboundFrom(uint64_t id, const std::string& reason);  // I/O thread
  void Shutdown();  // I/O thread (or the caller, once the thread is gone)
  bool OnIoThread() const { return std::this_thread::get_id() == io_thread_id_.load(); }

  const Options options_;
  const Transport::MessageHandler on_message_;
  const EventHandler on_event_;
  Counters counters_;
  std::atomic<bool> stopped_{false};

  // Declared before everything that holds sockets or timers, so it is destroyed after them.
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;
  uint16_t listen_port_ = 0;

  mutable std::mutex peers_mu_;
  std::map<uint64_t, PeerEntry> peers_;  // GUARDED_BY(peers_mu_)
  uint64_t seed_base_;                    // GUARDED_BY(peers_mu_)

  // I/O thread: every accepted connection still open, by address.
  std::map<InboundConnection*, std::shared_ptr<InboundConnection>> inbound_;
  std::map<uint64_t, InboundConnection*> inbound_by_peer_;  // I/O thread: handshake passed

  std::mutex stop_mu_;  // serializes Stop() callers that are not the I/O thread
  std::thread thread_;
  std::atomic<std::thread::id> io_thread_id_{};  // written by the I/O thread as it starts
};

}  // namespace coord::raft::transport
