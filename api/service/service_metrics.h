// ServiceMetrics: coord's own series in the shared MetricsRegistry, next to the HTTP server's
// (requests and latency per route and status class, docs/http.md):
//
//   coord_raft_term, coord_raft_commit_index, coord_raft_applied_index, coord_raft_last_index,
//   coord_raft_leader_id (0: none), coord_raft_is_leader                         gauges
//   coord_raft_leader_changes_total                                              counter
//   coord_raft_proposals_pending (proposals in flight on this node)             gauge
//   coord_raft_snapshots_taken_total, coord_raft_snapshots_installed_total      counters
//   coord_raft_snapshot_bytes, coord_raft_snapshot_duration_seconds             histograms
//   coord_store_nodes, coord_store_sessions, coord_store_zxid                   gauges
//   coord_sessions_expired_total, coord_nodes_reaped_total (proposed as leader),
//   coord_keepalives_rate_limited_total                                         counters
//   coord_watchers, coord_watch_history_events                                  gauges
//   coord_watches_fired_total, coord_watchers_cut_total{reason}                 counters
//
// The runtime exposes absolute values (RaftNode::status()); Refresh() turns them into these
// series. It runs on every scrape (GET /metrics, registered here) and periodically, so a
// snapshot is observed even between scrapes (one observation per refresh that sees new
// snapshots: if two complete between refreshes, the histograms get the latest only).
//
// Thread-safety: Refresh() from any thread (a mutex orders refreshes).
#pragma once

#include "watch/watch_hub.h"

#include <cstdint>
#include <mutex>

#include "api/http/metrics.h"
#include "api/http/router.h"
#include "api/service/leader_duties.h"
#include "api/service/leader_watch.h"
#include "api/service/replica.h"

namespace coord::api::service {

class ServiceMetrics {
 public:
  // All must outlive this object.
  ServiceMetrics(http::MetricsRegistry* registry, Replica* replica, const LeaderWatch* leader,
                 const LeaderDuties* duties, const watch::WatchHub* hub);

  void Refresh();
  // GET /metrics: Refresh(), then the registry as Prometheus text.
  void AddRoute(http::Router& router);

 private:
  // Adds to `counter` what `now` has grown beyond `*last`.
  static void Advance(http::Counter& counter, uint64_t now, uint64_t* last);

  http::MetricsRegistry* const registry_;
  Replica* const replica_;
  const LeaderWatch* const leader_;
  const LeaderDuties* const duties_;

  http::Gauge& term_;
  http::Gauge& commit_;
  http::Gauge& applied_;
  http::Gauge& last_index_;
  http::Gauge& leader_id_;
  http::Gauge& is_leader_;
  http::Counter& leader_changes_;
  http::Gauge& proposals_pending_;
  http::Counter& snapshots_taken_;
  http::Counter& snapshots_installed_;
  http::Histogram& snapshot_bytes_;
  http::Histogram& snapshot_seconds_;
  http::Gauge& nodes_;
  http::Gauge& sessions_;
  http::Gauge& zxid_;
  http::Counter& expired_;
  http::Counter& reaped_;
  http::Counter& rate_limited_;
  const watch::WatchHub* const hub_;
  http::Gauge& watchers_;
  http::Gauge& watch_history_events_;
  http::Counter& watches_fired_;
  http::Counter& watchers_cut_slow_;
  http::Counter& watchers_cut_compacted_;

  std::mutex mu_;
  uint64_t last_leader_changes_ = 0;  // GUARDED_BY(mu_)
  uint64_t last_taken_ = 0;           // GUARDED_BY(mu_)
  uint64_t last_installed_ = 0;       // GUARDED_BY(mu_)
  uint64_t last_expired_ = 0;         // GUARDED_BY(mu_)
  uint64_t last_reaped_ = 0;          // GUARDED_BY(mu_)
  uint64_t last_rate_limited_ = 0;    // GUARDED_BY(mu_)
  uint64_t last_fired_ = 0;           // GUARDED_BY(mu_)
  uint64_t last_cut_slow_ = 0;        // GUARDED_BY(mu_)
  uint64_t last_cut_compacted_ = 0;   // GUARDED_BY(mu_)
};

}  // namespace coord::api::service
