// FaultInjector: decides when and where faults strike, using the run's Rng and the rates of
// its fault mix, and applies them through SimCluster's primitives.
//
// Crashed nodes are restarted after a random downtime; partitions heal after a random time.
// HealAll() ends the faulty phase: every link open, no message faults, every crashed member
// restarted and every removed node shut down, which is the precondition of the liveness check.
//
// Thread-safety: none; one per run.
#pragma once

#include <cstdint>
#include <map>
#include <utility>

#include "raft/rng.h"
#include "tests/raft/simulation/scenario.h"
#include "tests/raft/simulation/sim_cluster.h"
#include "tests/raft/simulation/trace.h"

namespace coord::raft::sim {

class FaultInjector {
 public:
  FaultInjector(const RunSpec& spec, Rng* rng, Trace* trace, SimCluster* cluster)
      : spec_(spec), rng_(rng), trace_(trace), cluster_(cluster) {}

  // At the start of every step: schedules restarts of crashed nodes, restarts those whose
  // downtime is over, and heals a partition whose time is up.
  void BeginStep();

  // At the end of every step: the targeted faults that react to what just happened.
  void EndStep();

  void Crash();
  void Partition();
  void ChangeMembership();
  void Transfer();

  void HealAll();

 private:
  void CrashOne(uint64_t id, bool mid_ready_allowed);
  uint64_t RandomOf(const std::vector<uint64_t>& ids) { return ids[rng_->Uniform(ids.size())]; }

  const RunSpec& spec_;
  Rng* rng_;
  Trace* trace_;
  SimCluster* cluster_;
  std::map<uint64_t, uint64_t> restart_at_;  // crashed node -> step
  uint64_t partition_heal_at_ = 0;
  uint64_t seen_epoch_ = ~0ULL;  // SimCluster::up_down_epoch() when restarts were scheduled
  int nodes_added_ = 0;
  // (leader, term) -> highest persisted commit index seen while it led in that term.
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> leader_commit_;
};

}  // namespace coord::raft::sim
