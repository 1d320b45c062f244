// SimCluster: the simulated replicas and the network between them, and the one place where
// everything a replica does is routed: messages to the network, persisted state and applied
// entries to the SafetyChecker, proposal and read outcomes to the OutcomeTracker, applied
// membership changes to node creation and decommissioning.
//
// Every driving call (tick, delivery, proposal, ...) processes the Readies of the nodes it
// touched to completion and then runs the per-event safety checks, so the invariants are
// checked after every single event. Faults (crash, restart, partitions) are primitives here;
// when and where to inject them is FaultInjector's business.
//
// Thread-safety: none; one per run.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "raft/rng.h"
#include "tests/raft/simulation/invariants.h"
#include "tests/raft/simulation/outcome_tracker.h"
#include "tests/raft/simulation/run_stats.h"
#include "tests/raft/simulation/scenario.h"
#include "tests/raft/simulation/sim_network.h"
#include "tests/raft/simulation/sim_node.h"
#include "tests/raft/simulation/trace.h"
#include "tests/raft/simulation/verdict.h"

namespace coord::raft::sim {

class SimCluster {
 public:
  SimCluster(const RunSpec& spec, Rng* rng, Trace* trace, Verdict* verdict);

  // Starts members 1..cluster_size and lets them apply the bootstrap configuration.
  void Boot();

  uint64_t now() const { return now_; }
  // Starts a new step: advances the clock; shuts down removed nodes whose time has come.
  void BeginStep();

  const NodeMap& nodes() const { return nodes_; }
  SimNode* node(uint64_t id);
  bool IsUp(uint64_t id) const;
  bool IsDecommissioned(uint64_t id) const { return decommissioned_.count(id) > 0; }
  std::vector<uint64_t> UpNodes() const;
  // Crashed nodes that are not decommissioned.
  std::vector<uint64_t> DownNodes() const;
  // Changes whenever a node goes down or comes up (so callers can skip rescanning).
  uint64_t up_down_epoch() const { return up_down_epoch_; }
  // The up node that is leader in the highest term, 0 if none.
  uint64_t Leader() const;
  // Membership at the highest index any node has applied (or installed a snapshot at).
  const pb::ConfState& latest_conf() const { return latest_conf_; }
  bool IsMember(uint64_t id) const;
  uint64_t NextNodeId() const { return next_node_id_; }

  // Faults.
  void Crash(uint64_t id, const std::string& why);
  // The node crashes part-way through its next Ready.
  void ArmCrash(uint64_t id, const CrashPlan& plan);
  // Heal: no armed crash fires, and no new crash is drawn from now on.
  void DisarmCrashes() {
    armed_.clear();
    crashes_disabled_ = true;
  }
  void Restart(uint64_t id);
  // Shuts a removed node down for good (an operator retiring it).
  void Decommission(uint64_t id);
  SimNetwork& network() { return network_; }

  // Driving. Each call processes the affected nodes' Readies and checks invariants.
  void TickRound(uint32_t skew_per_10k);
  // Delivers one due message; false when none is due.
  bool DeliverOne();
  Result<ProposalId> Propose(uint64_t id, std::string data);
  Result<ProposalId> ProposeBatch(uint64_t id, std::vector<std::string> data);
  Result<ProposalId> ProposeConfChange(uint64_t id, const pb::ConfChange& cc);
  Status ReadIndex(uint64_t id, const std::string& context);
  Status TransferLeadership(uint64_t id, uint64_t to);

  void CheckStoredLogs() { checker_.CheckStoredLogs(nodes_); }
  const SafetyChecker& checker() const { return checker_; }
  const OutcomeTracker& outcomes() const { return outcomes_; }
  RunStats& stats() { return stats_; }

 private:
  SimNode& CreateNode(uint64_t id, const pb::ConfState& initial);
  void StartNode(SimNode& n);
  void Drain(uint64_t id);
  void Route(SimNode& n, ReadyResult& r, const CrashPlan& plan);
  void OnConfApplied(uint64_t node, const AppliedEntry& e);
  void AfterEvent();

  const RunSpec& spec_;
  Rng* rng_;
  Trace* trace_;
  Verdict* verdict_;
  SimNetwork network_;
  SafetyChecker checker_;
  OutcomeTracker outcomes_;
  RunStats stats_;

  NodeMap nodes_;
  std::map<uint64_t, CrashPlan> armed_;
  std::set<std::pair<uint64_t, uint64_t>> leaders_seen_;  // (node, term) for crash_new_leader
  std::set<uint64_t> decommissioned_;
  std::map<uint64_t, uint64_t> decommission_at_;  // removed node -> step
  pb::ConfState latest_conf_;
  uint64_t latest_conf_index_ = 0;
  uint64_t next_node_id_ = 1;
  std::map<uint64_t, uint64_t> traced_commit_;  // node -> last commit index traced
  uint64_t now_ = 0;
  uint64_t up_down_epoch_ = 0;
  bool crashes_disabled_ = false;
};

}  // namespace coord::raft::sim
