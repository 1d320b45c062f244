#include "raft/transport/transport_core.h"

#include <random>

#include <boost/asio/post.hpp>

#include "raft/invariant.h"
#include "raft/transport/frame.h"
#include "raft/transport/inbound_connection.h"
#include "raft/log.h"
#include "raft/runtime/thread_name.h"
#include "raft/transport/peer.h"

namespace coord::raft::transport {

namespace {

// After a failed accept (e.g. out of file descriptors), wait before retrying rather than spin.
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

uint64_t MixSeed(uint64_t base, uint64_t id) {
  // SplitMix64 step: distinct, well-spread seeds per peer from one base.
  uint64_t z = base + id * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

TransportCore::TransportCore(Options options, std::map<uint64_t, HostPort> peers,
                             Transport::MessageHandler on_message, EventHandler on_event)
    : options_(std::move(options)),
      on_message_(std::move(on_message)),
      on_event_(std::move(on_event)),
      acceptor_(io_),
      accept_retry_(io_) {
  std::random_device device;
  seed_base_ = options_.seed != 0 ? options_.seed : (uint64_t{device()} << 32) ^ device();
  std::lock_guard lock(peers_mu_);
  for (const auto& [id, address] : peers) {
    if (id == options_.node_id) continue;
    peers_[id] = PeerEntry{NewPeerLocked(id, address), address.ToString()};
  }
}

TransportCore::~TransportCore() {
  COORD_INVARIANT(!OnIoThread(), "transport_destroyed_on_its_own_thread",
                  "a Transport must not be destroyed from its own message or event handler");
  Stop();
}

Status TransportCore::ValidateOptions(const Options& o) {
  auto bad = [](const std::string& why) {
    return Status::InvalidArgument("transport options: " + why);
  };
  if (o.node_id == 0) return bad("node_id must be non-zero");
  if (o.max_frame_bytes < 1024 || o.max_frame_bytes > kMaxEncodableFrame) {
    return bad("max_frame_bytes must be in [1024, 4294967295]");
  }
  if (o.max_queue_per_peer == 0) return bad("max_queue_per_peer must be positive");
  if (o.max_queue_bytes_per_peer < o.max_frame_bytes) {
    return bad("max_queue_bytes_per_peer must be at least max_frame_bytes");
  }
  if (o.max_write_bytes == 0) return bad("max_write_bytes must be positive");
  if (o.backoff_initial.count() <= 0 || o.backoff_max < o.backoff_initial) {
    return bad("need 0 < backoff_initial <= backoff_max");
  }
  if (o.handshake_timeout.count() <= 0) return bad("handshake_timeout must be positive");
  if (o.tcp_user_timeout.count() < 0) return bad("tcp_user_timeout must not be negative");
  return Status::Ok();
}

Status TransportCore::Listen() {
  const std::string where = (options_.listen_host.find(':') != std::string::npos
                                 ? "[" + options_.listen_host + "]"
                                 : options_.listen_host) +
                            ":" + std::to_string(options_.listen_port);
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(options_.listen_host, ec);
  if (ec) {
    return Status::InvalidArgument("listen_host \"" + options_.listen_host +
                                   "\" is not an IP address");
  }
  const boost::asio::ip::tcp::endpoint endpoint(address, options_.listen_port);
  auto failed = [&](const char* step) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return Status::IOError("cannot listen on " + where + ": " + step + ": " + ec.message());
  };
  if (acceptor_.open(endpoint.protocol(), ec)) return failed("socket");
  // Lets a restarted node take its port back while old connections sit in TIME_WAIT; a port
  // with a live listener still fails to bind.
  if (acceptor_.set_option(boost::asio::socket_base::reuse_address(true), ec)) {
    return failed("setsockopt");
  }
  if (acceptor_.bind(endpoint, ec)) return failed("bind");
  if (acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec)) {
    return failed("listen");
  }
  listen_port_ = acceptor_.local_endpoint(ec).port();
  if (ec) return failed("getsockname");
  return Status::Ok();
}

void TransportCore::Run() {
  {
    std::lock_guard lock(peers_mu_);
    std::vector<std::shared_ptr<Peer>> peers;
    for (const auto& [id, entry] : peers_) peers.push_back(entry.peer);
    boost::asio::post(io_, [this, peers = std::move(peers)] {
      Accept();
      for (const auto& peer : peers) peer->Start();
    });
  }
  Log(LogLevel::kInfo, "transport_started",
      "node", options_.node_id, "cluster", options_.cluster_id,
      "listen", options_.listen_host + ":" + std::to_string(listen_port_));
  // The pending accept keeps run() going until Shutdown() closes the acceptor and every
  // connection; then it returns by itself, no work guard needed.
  thread_ = std::thread([this] {
    NameThisThread("transport");
    io_thread_id_.store(std::this_thread::get_id());
    io_.run();
  });
}

std::shared_ptr<Peer> TransportCore::NewPeerLocked(uint64_t id, const HostPort& address) {
  return std::make_shared<Peer>(this, id, address, MixSeed(seed_base_, id));
}

void TransportCore::Send(raft::pb::Message message) {
  if (stopped()) return;
  const size_t bytes = message.ByteSizeLong();
  std::vector<std::shared_ptr<Peer>> wake;
  {
    std::lock_guard lock(peers_mu_);
    EnqueueLocked(std::move(message), bytes, &wake);
  }
  Wake(wake);
}

void TransportCore::Send(std::vector<raft::pb::Message> messages) {
  if (stopped()) return;
  // Sizes outside the lock: it is the expensive part, and needs nothing shared.
  std::vector<size_t> sizes(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) sizes[i] = messages[i].ByteSizeLong();
  std::vector<std::shared_ptr<Peer>> wake;
  {
    std::lock_guard lock(peers_mu_);
    for (size_t i = 0; i < messages.size(); ++i)
      EnqueueLocked(std::move(messages[i]), sizes[i], &wake);
  }
  Wake(wake);
}

void TransportCore::EnqueueLocked(raft::pb::Message&& message, size_t bytes,
                                  std::vector<std::shared_ptr<Peer>>* wake) {
  const uint64_t to = message.to();
  const auto it = peers_.find(to);
  if (it == peers_.end()) {
    // Normal around membership changes (a message to a peer not added yet): debug only.
    Bump(counters_.dropped_unknown_peer);
    Log(LogLevel::kDebug, "send_dropped_unknown_peer", "node", options_.node_id, "to", to);
    return;
  }
  Peer& peer = *it->second.peer;
  if (bytes > options_.max_frame_bytes) {
    const uint64_t dropped = counters_.dropped_oversize.fetch_add(1) + 1;
    Bump(peer.counters()->dropped);
    Log(IsPowerOfTwo(dropped) ? LogLevel::kWarn : LogLevel::kDebug, "send_dropped_oversize",
        "node", options_.node_id, "peer", to, "bytes", bytes,
        "max_frame_bytes", options_.max_frame_bytes, "dropped_total", dropped);
    return;
  }
  PeerCounters& counters = *peer.counters();
  const SendQueue::PushResult pushed = peer.queue().Push(std::move(message), bytes);
  switch (pushed) {
    case SendQueue::PushResult::kQueued:
    case SendQueue::PushResult::kQueuedWakeWriter:
      if (counters.queue_full.load(std::memory_order_relaxed)) {
        counters.queue_full.store(false, std::memory_order_relaxed);
        Log(LogLevel::kInfo, "send_queue_accepting",
            "node", options_.node_id, "peer", to, "dropped_total", Load(counters.dropped));
      }
      // One wake-up per idle period (the queue arms it), so at most one post is in flight.
      if (pushed == SendQueue::PushResult::kQueuedWakeWriter) wake->push_back(it->second.peer);
      return;
    case SendQueue::PushResult::kFull:
      Bump(counters_.dropped_queue_full);
      Bump(counters.dropped);
      if (!counters.queue_full.exchange(true, std::memory_order_relaxed)) {
        Log(LogLevel::kWarn, "send_queue_full",
            "node", options_.node_id, "peer", to, "queued", peer.queue().size(),
            "queued_bytes", peer.queue().bytes(), "connected", counters.connected.load() ? 1 : 0,
            "note", "dropping messages to this peer until its queue drains");
      }
      return;
    case SendQueue::PushResult::kClosed:
      Bump(counters_.dropped_unsent);
      Bump(counters.dropped);
      return;
  }
}

void TransportCore::Wake(const std::vector<std::shared_ptr<Peer>>& peers) {
  for (const auto& peer : peers) boost::asio::post(io_, [peer] { peer->Kick(); });
}

void TransportCore::SetPeers(std::map<uint64_t, HostPort> peers) {
  std::lock_guard lock(peers_mu_);
  if (stopped()) return;
  peers.erase(options_.node_id);
  std::vector<uint64_t> remove;
  for (const auto& [id, entry] : peers_) {
    if (peers.count(id) == 0) remove.push_back(id);
  }
  ChangePeersLocked(peers, remove);
}

void TransportCore::AddPeer(uint64_t id, HostPort address) {
  std::lock_guard lock(peers_mu_);
  if (stopped() || id == options_.node_id) return;
  ChangePeersLocked({{id, std::move(address)}}, {});
}

void TransportCore::RemovePeer(uint64_t id) {
  std::lock_guard lock(peers_mu_);
  if (stopped()) return;
  ChangePeersLocked({}, {id});
}

void TransportCore::ChangePeersLocked(const std::map<uint64_t, HostPort>& add_or_move,
                                      const std::vector<uint64_t>& remove) {
  // Posting while holding peers_mu_ keeps the I/O thread's view of changes in table order.
  for (uint64_t id : remove) {
    const auto it = peers_.find(id);
    if (it == peers_.end()) continue;
    std::shared_ptr<Peer> peer = std::move(it->second.peer);
    peers_.erase(it);
    Log(LogLevel::kInfo, "peer_removed", "node", options_.node_id, "peer", id);
    boost::asio::post(io_, [this, peer] {
      peer->Close();
      CloseInboundFrom(peer->id(), "peer removed");
    });
  }
  for (const auto& [id, address] : add_or_move) {
    const auto it = peers_.find(id);
    if (it == peers_.end()) {
      auto peer = NewPeerLocked(id, address);
      peers_[id] = PeerEntry{peer, address.ToString()};
      Log(LogLevel::kInfo, "peer_added",
          "node", options_.node_id, "peer", id, "address", address.ToString());
      boost::asio::post(io_, [peer] { peer->Start(); });
    } else if (it->second.address != address.ToString()) {
      it->second.address = address.ToString();
      Log(LogLevel::kInfo, "peer_moved",
          "node", options_.node_id, "peer", id, "address", address.ToString());
      boost::asio::post(io_, [peer = it->second.peer, address] { peer->SetAddress(address); });
    }
  }
}

bool TransportCore::IsConnected(uint64_t id) const {
  std::lock_guard lock(peers_mu_);
  const auto it = peers_.find(id);
  return it != peers_.end() && it->second.peer->counters()->connected.load();
}

Stats TransportCore::stats() const {
  Stats stats;
  counters_.CopyTo(&stats);
  std::lock_guard lock(peers_mu_);
  for (const auto& [id, entry] : peers_) {
    PeerStats& peer = stats.peers[id];
    peer.address = entry.address;
    entry.peer->counters()->CopyTo(&peer);
    peer.queued_messages = entry.peer->queue().size();
    peer.queued_bytes = entry.peer->queue().bytes();
  }
  return stats;
}

void TransportCore::Accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec,
                                boost::asio::ip::tcp::socket socket) {
    if (stopped() || ec == boost::asio::error::operation_aborted) return;
    if (ec) {
      Log(LogLevel::kWarn, "accept_failed", "node", options_.node_id, "error", ec.message());
      accept_retry_.expires_after(kAcceptRetry);
      accept_retry_.async_wait([this](const boost::system::error_code& wait_ec) {
        if (!wait_ec && !stopped()) Accept();
      });
      return;
    }
    auto connection = std::make_shared<InboundConnection>(this, std::move(socket));
    inbound_[connection.get()] = connection;
    connection->Start();
    Accept();
  });
}

Admission TransportCore::AdmitInbound(InboundConnection* connection, const pb::Hello& hello,
                                      std::shared_ptr<PeerCounters>* peer_counters) {
  AdmissionInput input;
  input.cluster_id = options_.cluster_id;
  input.node_id = options_.node_id;
  input.remote_ip = connection->remote_ip();
  std::shared_ptr<PeerCounters> counters;
  {
    std::lock_guard lock(peers_mu_);
    const auto it = peers_.find(hello.from());
    if (it != peers_.end()) {
      input.from_is_peer = true;
      counters = it->second.peer->counters();
    }
  }
  const auto existing = inbound_by_peer_.find(hello.from());
  if (existing != inbound_by_peer_.end()) input.existing_remote_ip = existing->second->remote_ip();

  Admission admission = Admit(hello, input);
  if (!admission.accepted()) return admission;
  if (admission.replaces_existing) {
    const std::shared_ptr<InboundConnection> old = inbound_.at(existing->second);
    // Normal after a peer restart that this side had not noticed yet; repeated, it means two
    // processes on one host claim the same id. Either way worth a line at the default level.
    Log(LogLevel::kWarn, "inbound_replaced",
        "node", options_.node_id, "peer", hello.from(), "old_remote", old->remote(),
        "new_remote", connection->remote());
    old->Close("replaced by a newer connection from the same address");
  }
  inbound_by_peer_[hello.from()] = connection;
  *peer_counters = std::move(counters);
  return admission;
}

void TransportCore::Deliver(raft::pb::Message message) {
  if (!stopped()) on_message_(std::move(message));
}

void TransportCore::Emit(Event event) {
  if (on_event_ && !stopped()) on_event_(event);
}

void TransportCore::OnInboundClosed(InboundConnection* connection) {
  const auto it = inbound_by_peer_.find(connection->peer_id());
  if (it != inbound_by_peer_.end() && it->second == connection) inbound_by_peer_.erase(it);
  inbound_.erase(connection);  // the caller still holds a reference
}

void TransportCore::CloseInboundFrom(uint64_t id, const std::string& reason) {
  const auto it = inbound_by_peer_.find(id);
  if (it == inbound_by_peer_.end()) return;
  const std::shared_ptr<InboundConnection> connection = inbound_.at(it->second);
  connection->Close(reason);
}

void TransportCore::Stop() {
  if (OnIoThread()) {
    // From a handler: shut down now; the thread ends once the aborted operations have
    // completed, and the destructor (on another thread) joins it.
    Shutdown();
    return;
  }
  std::lock_guard lock(stop_mu_);
  stopped_.store(true, std::memory_order_release);
  if (thread_.joinable()) {
    boost::asio::post(io_, [this] { Shutdown(); });
    thread_.join();
  }
  // The thread never ran or has ended: nothing else touches the I/O state now.
  Shutdown();
}

void TransportCore::Shutdown() {
  stopped_.store(true, std::memory_order_release);
  boost::system::error_code ignored;
  if (acceptor_.is_open()) {
    acceptor_.close(ignored);
    Log(LogLevel::kInfo, "transport_stopped", "node", options_.node_id);
  }
  accept_retry_.cancel();
  std::map<uint64_t, PeerEntry> peers;
  {
    std::lock_guard lock(peers_mu_);
    peers.swap(peers_);
  }
  for (const auto& [id, entry] : peers) entry.peer->Close();
  auto inbound = std::move(inbound_);
  inbound_.clear();
  inbound_by_peer_.clear();
  for (const auto& [raw, connection] : inbound) connection->Close("transport stopping");
}

}  // namespace coord::raft::transport
