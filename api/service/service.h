// Service: coord's HTTP/JSON API on top of one RaftNode: owns the pieces (Replica,
// LeaderDuties, MemberDirectory, ServiceMetrics, the leader-call handler), registers every
// route and runs the background work (the leader's lease and reaper poll, the announcements
// to the leader, the periodic metrics refresh). coordd (api/coordd/daemon.h) builds one per
// process; tests may build one around any RaftNode.
//
// Routes (docs/api.md): /v1/nodes/* (node_reads.h, node_writes.h), /v1/txn (txn_routes.h),
// /v1/sessions (session_routes.h), /v1/watch (watch_routes.h), /v1/cluster, /health, /ready
// (cluster_routes.h),
// /metrics (service_metrics.h).
//
// Lifecycle: construct after RaftNode::Start (the node's leader-change callback must feed the
// LeaderWatch given here), AddRoutes into the Router the HTTP server is built from, Start(),
// and at shutdown: Stop() the background work, stop the RaftNode (pending requests then
// answer 503 SHUTTING_DOWN), stop the HTTP server, then Shutdown() (joins the completion
// threads) before destroying the node.
//
// Thread-safety: AddRoutes, Start, Stop and Shutdown from the owner's thread; the routes run
// concurrently on the server's threads.
#pragma once

#include <chrono>
#include <memory>

#include "api/http/metrics.h"
#include "api/http/router.h"
#include "api/service/leader_call.pb.h"
#include "api/service/leader_calls.h"
#include "api/service/leader_duties.h"
#include "api/service/leader_watch.h"
#include "api/service/member_directory.h"
#include "api/service/published_store.h"
#include "api/service/replica.h"
#include "api/service/service_context.h"
#include "api/service/service_metrics.h"
#include "raft/runtime/raft_node.h"

namespace coord::api::service {

struct ServiceOptions {
  // This node: id, client (HTTP) and peer addresses, as published in GET /v1/cluster.
  pb::MemberInfo self;
  ReplicaOptions replica;
  LeaderDutiesOptions duties;
  std::chrono::milliseconds announce_interval{500};
  std::chrono::milliseconds ready_timeout{1000};
  std::chrono::milliseconds metrics_interval{1000};
  WatchLimits watch_limits;
  // How often idle watchers get a progress notification (a bookmark) when the zxid moved.
  std::chrono::milliseconds watch_progress_interval{5000};
};

class Service {
 public:
  // All pointers must outlive the Service. `hub` is fed by `store`'s apply observer (the
  // owner wires it before RaftNode::Start: watch/store_feed.h).
  Service(raft::RaftNode* node, PublishedStore* store, watch::WatchHub* hub,
          const LeaderWatch* leader, http::MetricsRegistry* metrics, ServiceOptions options);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  void AddRoutes(http::Router& router);
  // Installs the leader-call handler and starts the background work.
  void Start();
  // Stops the background work (no new polls or announcements). Idempotent.
  void Stop();
  // Stop(), then joins the completion threads: no route completes after this.
  void Shutdown();

  Replica& replica() { return *replica_; }

 private:
  void Announce();
  void RefreshMetrics();
  void EmitWatchProgress();

  raft::RaftNode* const node_;
  watch::WatchHub* const hub_;
  const LeaderWatch* const leader_;
  const ServiceOptions options_;
  std::unique_ptr<Replica> replica_;
  std::unique_ptr<MemberDirectory> members_;
  std::unique_ptr<LeaderDuties> duties_;
  std::unique_ptr<LeaderCallHandler> calls_;
  std::unique_ptr<ServiceMetrics> metrics_;
  std::unique_ptr<SessionWatches> session_watches_;
  std::atomic<bool> stopped_{false};
};

}  // namespace coord::api::service
