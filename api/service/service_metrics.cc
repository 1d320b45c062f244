#include "api/service/service_metrics.h"

namespace coord::api::service {
namespace {

std::vector<double> SizeBuckets() {
  std::vector<double> b;
  for (double v = 1024; v <= 4.0 * 1024 * 1024 * 1024; v *= 4) b.push_back(v);  // 1 KiB .. 4 GiB
  return b;
}

std::vector<double> SnapshotSecondsBuckets() {
  return {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300};
}

}  // namespace

ServiceMetrics::ServiceMetrics(http::MetricsRegistry* r, Replica* replica,
                               const LeaderWatch* leader, const LeaderDuties* duties,
                               const watch::WatchHub* hub)
    : registry_(r),
      replica_(replica),
      leader_(leader),
      duties_(duties),
      term_(r->GetGauge("coord_raft_term", "Current Raft term of this node")),
      commit_(r->GetGauge("coord_raft_commit_index", "Highest log index known committed")),
      applied_(r->GetGauge("coord_raft_applied_index", "Highest log index applied to the store")),
      last_index_(r->GetGauge("coord_raft_last_index", "Last index in this node's log")),
      leader_id_(r->GetGauge("coord_raft_leader_id", "Node id of the known leader (0: none)")),
      is_leader_(r->GetGauge("coord_raft_is_leader", "1 if this node is the leader")),
      leader_changes_(r->GetCounter("coord_raft_leader_changes_total",
                                    "Leader changes observed by this node")),
      proposals_pending_(r->GetGauge("coord_raft_proposals_pending",
                                     "Proposals made through this node awaiting their outcome")),
      snapshots_taken_(r->GetCounter("coord_raft_snapshots_taken_total", "Snapshots written by this node")),
      snapshots_installed_(r->GetCounter("coord_raft_snapshots_installed_total",
                                         "Snapshots received from a leader and installed")),
      snapshot_bytes_(r->GetHistogram("coord_raft_snapshot_bytes", "Size of snapshots written",
                                      SizeBuckets())),
      snapshot_seconds_(r->GetHistogram("coord_raft_snapshot_duration_seconds",
                                        "Time to serialize and write a snapshot",
                                        SnapshotSecondsBuckets())),
      nodes_(r->GetGauge("coord_store_nodes", "Nodes in the namespace (applied state)")),
      sessions_(r->GetGauge("coord_store_sessions", "Live sessions (applied state)")),
      zxid_(r->GetGauge("coord_store_zxid", "zxid of the applied state")),
      expired_(r->GetCounter("coord_sessions_expired_total",
                             "Session expiries proposed by this node as leader")),
      reaped_(r->GetCounter("coord_nodes_reaped_total",
                            "TTL and container deletions proposed by this node as leader")),
      rate_limited_(r->GetCounter("coord_keepalives_rate_limited_total",
                                  "Keepalives refused by this node as leader (rate limit)")),
      hub_(hub),
      watchers_(r->GetGauge("coord_watchers", "Live watches on this node")),
      watch_history_events_(r->GetGauge("coord_watch_history_events",
                                        "Events kept on this node for resuming watches")),
      watches_fired_(r->GetCounter("coord_watches_fired_total", "One-shot watches that fired")),
      watchers_cut_slow_(r->GetCounter("coord_watchers_cut_total",
                                       "Watchers ended by the node, by reason", {{"reason", "too_slow"}})),
      watchers_cut_compacted_(r->GetCounter("coord_watchers_cut_total",
                                            "Watchers ended by the node, by reason",
                                            {{"reason", "compacted"}})) {}

void ServiceMetrics::Advance(http::Counter& counter, uint64_t now, uint64_t* last) {
  if (now > *last) counter.Increment(now - *last);
  *last = std::max(*last, now);
}

void ServiceMetrics::Refresh() {
  const raft::NodeStatus s = replica_->Status();
  const ViewPtr view = replica_->View();
  std::lock_guard<std::mutex> lock(mu_);
  term_.Set(static_cast<double>(s.term));
  commit_.Set(static_cast<double>(s.commit));
  applied_.Set(static_cast<double>(s.applied));
  last_index_.Set(static_cast<double>(s.last_index));
  leader_id_.Set(static_cast<double>(s.leader));
  is_leader_.Set(s.role == raft::Role::kLeader ? 1 : 0);
  Advance(leader_changes_, leader_->changes(), &last_leader_changes_);
  proposals_pending_.Set(static_cast<double>(s.proposals_pending));
  if (s.snapshots_taken > last_taken_) {
    snapshot_bytes_.Observe(static_cast<double>(s.last_snapshot_bytes));
    snapshot_seconds_.Observe(s.last_snapshot_seconds);
  }
  Advance(snapshots_taken_, s.snapshots_taken, &last_taken_);
  Advance(snapshots_installed_, s.snapshots_installed, &last_installed_);
  nodes_.Set(static_cast<double>(view->node_count()));
  sessions_.Set(static_cast<double>(view->session_count()));
  zxid_.Set(static_cast<double>(view->zxid()));
  Advance(expired_, duties_->expiries_proposed(), &last_expired_);
  Advance(reaped_, duties_->reaps_proposed(), &last_reaped_);
  Advance(rate_limited_, duties_->keepalives_rate_limited(), &last_rate_limited_);
  const watch::WatchHub::Stats w = hub_->stats();
  watchers_.Set(static_cast<double>(w.watchers));
  watch_history_events_.Set(static_cast<double>(w.history_events));
  Advance(watches_fired_, w.fired, &last_fired_);
  Advance(watchers_cut_slow_, w.cut_too_slow, &last_cut_slow_);
  Advance(watchers_cut_compacted_, w.cut_compacted, &last_cut_compacted_);
}

void ServiceMetrics::AddRoute(http::Router& router) {
  router.Add(http::Method::kGet, "/metrics", http::SyncHandler([this](const http::Request&) {
               Refresh();
               return http::Response::Text(200, registry_->RenderText(),
                                           "text/plain; version=0.0.4; charset=utf-8");
             }));
}

}  // namespace coord::api::service
