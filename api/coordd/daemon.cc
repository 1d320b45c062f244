#include "api/coordd/daemon.h"

#include <chrono>

#include "api/coordd/fsync_timing_env.h"
#include "api/http/metrics.h"
#include "api/http/server.h"
#include "api/service/leader_watch.h"
#include "api/service/published_store.h"
#include "api/service/service.h"
#include "raft/log.h"
#include "raft/runtime/raft_node.h"
#include "raft/runtime/tcp_message_transport.h"
#include "raft/storage/leveldb_storage.h"
#include "watch/store_feed.h"
#include "watch/watch_hub.h"

namespace coord::api {

using raft::Result;
using raft::Status;
using namespace std::chrono_literals;

uint64_t NumericClusterId(const std::string& name) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h == 0 ? 1 : h;
}

// Declared in the order they are built; destroyed in reverse.
struct Daemon::Parts {
  http::MetricsRegistry metrics;
  std::unique_ptr<FsyncTimingEnv> env;
  std::unique_ptr<raft::LeveldbStorage> storage;
  std::unique_ptr<raft::TcpMessageTransport> transport;
  // Before the store: the store's listener and observer point into them.
  std::unique_ptr<watch::WatchHub> hub;
  std::unique_ptr<watch::StoreFeed> feed;
  std::unique_ptr<service::PublishedStore> store;
  service::LeaderWatch leader;
  std::unique_ptr<raft::RaftNode> node;
  std::unique_ptr<service::Service> service;
  std::unique_ptr<http::Server> server;
  bool stopped = false;

  void Stop() {
    if (stopped) return;
    stopped = true;
    if (service) service->Stop();
    if (node) node->Stop();
    if (server) server->Stop(2s);
    if (service) service->Shutdown();
    if (transport) transport->Stop();
  }
  ~Parts() { Stop(); }
};

namespace {

store::Options StoreOptions(const CoorddFlags& f) {
  store::Options o;
  o.max_data_bytes = f.max_data_bytes;
  o.max_path_bytes = f.max_path_bytes;
  o.min_session_ttl_ms = f.session_min_ttl_ms;
  o.max_session_ttl_ms = f.session_max_ttl_ms;
  return o;
}

http::LogLevel HttpLogLevel() {
  if (raft::LogEnabled(raft::LogLevel::kDebug)) return http::LogLevel::kDebug;
  if (raft::LogEnabled(raft::LogLevel::kInfo)) return http::LogLevel::kInfo;
  return http::LogLevel::kWarn;
}

}  // namespace

Result<std::unique_ptr<Daemon>> Daemon::Start(const CoorddFlags& f) {
  auto p = std::make_unique<Parts>();

  // The data directory: refused here if corrupt, foreign or unwritable.
  p->env = std::make_unique<FsyncTimingEnv>(
      leveldb::Env::Default(),
      &p->metrics.GetHistogram("coord_storage_fsync_duration_seconds",
                               "Duration of file syncs of the Raft log and snapshots",
                               http::DefaultLatencyBuckets()));
  raft::LeveldbStorageOptions so;
  so.dir = f.data_dir;
  so.cluster_id = f.cluster_id;
  so.node_id = f.id;
  so.create_if_missing = true;
  so.env = p->env.get();
  if (!f.join) {
    for (const auto& [id, addr] : f.initial_cluster) so.initial_conf_state.add_voters(id);
  }
  auto storage = raft::LeveldbStorage::Open(so);
  if (!storage.ok()) {
    return Status::IOError("cannot use --data-dir " + f.data_dir + ": " + storage.status().ToString());
  }
  p->storage = std::move(*storage);

  // Peers.
  std::map<uint64_t, std::string> peers;
  for (const auto& [id, addr] : f.initial_cluster) peers[id] = addr.ToString();
  raft::transport::Transport::Options to;
  to.cluster_id = NumericClusterId(f.cluster_id);
  to.node_id = f.id;
  to.listen_host = f.listen_peer.host;
  to.listen_port = f.listen_peer.port;
  to.peers = peers;
  // Redial quickly: a restarted peer should rejoin within an election timeout.
  to.backoff_initial = std::chrono::milliseconds(std::max(10, f.tick_ms / 2));
  to.backoff_max = std::chrono::milliseconds(std::max(200, f.tick_ms * f.election_ticks / 2));
  auto transport = raft::TcpMessageTransport::Start(to);
  if (!transport.ok()) {
    return Status::IOError("--listen-peer " + f.listen_peer.ToString() + ": " +
                           transport.status().message());
  }
  p->transport = std::move(*transport);

  // The replicated store and the Raft node.
  p->store = std::make_unique<service::PublishedStore>(StoreOptions(f));
  // Watches: fed by the apply thread once each entry is visible to reads here. The hub starts
  // at 0; restoring the snapshot at start moves it to the snapshot's zxid.
  watch::WatchOptions wo;
  wo.max_watchers = static_cast<size_t>(f.max_watchers);
  wo.max_queued_events = static_cast<size_t>(f.watch_queue_events);
  wo.history_events = static_cast<size_t>(f.watch_history_events);
  wo.max_path_bytes = f.max_path_bytes;
  p->hub = std::make_unique<watch::WatchHub>(wo, 0);
  p->feed = std::make_unique<watch::StoreFeed>(p->hub.get());
  p->store->store().SetEventListener(p->feed->Listener());
  watch::StoreFeed* feed = p->feed.get();
  p->store->SetObserver({[feed](uint64_t index) { feed->Applied(index); },
                         [feed](uint64_t index) { feed->Restored(index); }});
  raft::RaftNodeOptions no;
  no.id = f.id;
  no.tick = std::chrono::milliseconds(f.tick_ms);
  no.election_ticks = f.election_ticks;
  no.heartbeat_ticks = f.heartbeat_ticks;
  no.snapshot_every = f.snapshot_every;
  no.snapshot_catchup_entries = f.snapshot_catchup_entries;
  no.propose_timeout = std::chrono::milliseconds(f.request_timeout_ms);
  no.read_timeout = std::chrono::milliseconds(f.request_timeout_ms);
  no.peers = peers;
  service::LeaderWatch* watch = &p->leader;
  auto node = raft::RaftNode::Start(no, p->storage.get(), p->store.get(), p->transport.get(),
                                    [watch](uint64_t leader, uint64_t term) {
                                      watch->OnLeaderChange(leader, term);
                                    });
  if (!node.ok()) {
    return Status::IOError("cannot start the Raft node from --data-dir " + f.data_dir + ": " +
                           node.status().ToString());
  }
  p->node = std::move(*node);
  raft::RaftNode* n = p->node.get();
  p->transport->SetSink([n](raft::pb::Message m) { n->Step(std::move(m)); });

  // The API.
  service::ServiceOptions svc;
  svc.self.set_id(f.id);
  svc.self.set_client(f.listen_client.ToString());
  svc.self.set_peer(f.listen_peer.ToString());
  svc.replica.leader_wait = std::chrono::milliseconds(f.leader_wait_ms);
  svc.replica.retry_interval = std::chrono::milliseconds(std::clamp(f.tick_ms, 10, 100));
  svc.replica.clock_offset_ms = f.clock_offset_ms;
  svc.replica.unsafe_local_reads = f.unsafe_local_reads;
  if (f.unsafe_local_reads) {
    raft::Log(raft::LogLevel::kWarn, "unsafe_local_reads", "effect", "linearizable reads may be stale");
  }
  svc.duties.keepalive_rate = f.keepalive_rate;
  svc.duties.keepalive_burst = std::max(1.0, f.keepalive_rate);
  svc.watch_limits.poll_timeout = std::chrono::milliseconds(f.watch_poll_timeout_ms);
  svc.watch_limits.poll_max = std::chrono::milliseconds(std::max(f.watch_poll_timeout_ms, 300'000));
  svc.watch_limits.stream_buffer_bytes = static_cast<size_t>(f.watch_stream_buffer_bytes);
  svc.watch_progress_interval = std::chrono::milliseconds(f.watch_progress_ms);
  p->service = std::make_unique<service::Service>(n, p->store.get(), p->hub.get(), &p->leader,
                                                  &p->metrics, svc);

  http::Options ho;
  ho.address = f.listen_client.host;
  ho.port = f.listen_client.port;
  ho.threads = f.http_threads;
  ho.max_body_bytes = f.max_body_bytes;
  ho.max_header_bytes = f.max_header_bytes;
  ho.max_connections = static_cast<size_t>(f.max_connections);
  ho.header_timeout = std::chrono::milliseconds(f.header_timeout_ms);
  ho.body_timeout = std::chrono::milliseconds(f.body_timeout_ms);
  ho.idle_timeout = std::chrono::milliseconds(f.idle_timeout_ms);
  ho.access_log = f.access_log;
  ho.log_level = HttpLogLevel();
  http::Router router;
  p->service->AddRoutes(router);
  p->server = std::make_unique<http::Server>(ho, std::move(router), &p->metrics);
  if (Status s = p->server->Start(); !s.ok()) {
    return Status::IOError("--listen-client " + f.listen_client.ToString() + ": " + s.message());
  }
  p->service->Start();
  raft::Log(raft::LogLevel::kInfo, "coordd_started", "id", f.id, "client",
            f.listen_client.ToString(), "peer", f.listen_peer.ToString(), "data_dir", f.data_dir);
  return std::unique_ptr<Daemon>(new Daemon(std::move(p)));
}

Daemon::Daemon(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Daemon::~Daemon() { Stop(); }

void Daemon::Stop() { parts_->Stop(); }

}  // namespace coord::api
