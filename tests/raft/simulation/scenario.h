// Scenario: everything one simulation run is parameterized by, derived from its seed.
//
// A run is identified by (seed, variant). The seed picks the fault mix, the cluster size and
// the Raft knobs; the variant switches whole-protocol options (pre-vote, check-quorum) and
// the injected bugs used by the checker-bites tests. `COORD_SIM_SEED=s COORD_SIM_VARIANT=v`
// replays exactly one run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "raft/config.h"
#include "tests/raft/simulation/sim_network.h"
#include "tests/raft/simulation/sim_node.h"

namespace coord::raft::sim {

enum class FaultMix {
  kClean,        // no faults: the baseline must always work
  kLossy,        // message drop, duplication, delay, reordering, clock skew
  kPartitions,   // random splits, isolated leader, bridge node, minority/majority
  kCrashes,      // crashes (some in the middle of a Ready), restarts, whole-cluster outages
  kMembership,   // learners added, promoted, nodes removed, under mild message faults
  kTransfers,    // leadership transfers at random moments, with crashes
  kEverything,   // all of the above at once
  kFigure8,      // tiny appends, slow replication, leaders crashing: Figure 8 territory
};
constexpr int kFaultMixCount = 8;
const char* FaultMixName(FaultMix mix);

// Fault and workload rates. "Per step" rates are parts per 10,000 steps.
struct FaultRates {
  MessageFaults message;
  uint32_t tick_skew = 0;           // per node per tick round: the node misses the tick
  uint32_t crash = 0;               // per step
  uint32_t crash_leader_pct = 30;   // share of crashes aimed at the current leader
  uint32_t crash_mid_ready_pct = 0; // share of crashes that strike inside a Ready
  uint32_t outage_pct = 0;          // share of crashes that take the whole cluster down
  // Targeted: a leader whose persisted commit index points at an entry of an older term is
  // crashed at once with this probability (percent). A correct leader never commits that way
  // (only by counting an entry of its own term), so this only fires on the Figure 8 bug, and
  // then it creates the next step of Figure 8: the leader dies right after committing.
  uint32_t crash_on_old_term_commit_pct = 0;
  // Targeted: a node that has just become leader crashes before its first Ready as leader is
  // processed (percent), so its no-op and any entries stay its own: Figure 8's step (b).
  uint32_t crash_new_leader_pct = 0;
  uint32_t min_down_steps = 50;
  uint32_t max_down_steps = 400;
  uint32_t partition = 0;           // per step
  uint32_t min_partition_steps = 100;
  uint32_t max_partition_steps = 600;
  uint32_t conf_change = 0;         // per step
  uint32_t transfer = 0;            // per step
  uint32_t propose = 300;           // per step
  uint32_t batch_pct = 15;          // share of proposals sent with ProposeBatch
  uint32_t read = 80;               // per step
};

// Whole-run switches that are not chosen by the seed.
struct Variant {
  std::string name = "default";
  bool pre_vote = true;
  bool check_quorum = true;
  InjectedBugs bugs;
  std::optional<FaultMix> mix;  // forces the mix instead of deriving it from the seed
  int steps_multiplier = 1;     // longer faulty phases
};
// Known variants: "default", "no-prevote" (pre-vote and check-quorum off), "bug-vote-log"
// (skip_vote_log_check), "bug-figure8" (commit_previous_term_by_count, Figure 8 mix).
std::optional<Variant> VariantByName(std::string_view name);

struct RunSpec {
  uint64_t seed = 0;
  Variant variant;
  FaultMix mix = FaultMix::kClean;
  int cluster_size = 3;
  int steps = 2000;           // steps of the faulty phase
  int tick_round_every = 12;  // with messages due, a tick round happens ~1 in this many steps
  int max_voters = 7;
  int max_added_nodes = 0;    // new node ids the membership fault may add
  uint32_t decommission_delay_steps = 200;  // a removed node lingers up to this long
  FaultRates rates;
  NodeOptions node;
};

RunSpec MakeRunSpec(uint64_t seed, const Variant& variant);
// One line: mix, size, steps and the interesting knobs.
std::string DescribeSpec(const RunSpec& spec);

}  // namespace coord::raft::sim
