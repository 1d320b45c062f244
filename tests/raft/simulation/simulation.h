// Simulation: one complete run for one seed.
//
//   1. Boot a cluster of spec.cluster_size voters.
//   2. Faulty phase: spec.steps steps. Each step is one action picked by the run's Rng from
//      the fault mix's rates: a crash, a partition, a membership change, a leadership
//      transfer, a client write or read, a tick round (every up node ticks once, some may
//      skip under clock skew), or the delivery of one due message. Invariants are checked
//      after every event (see SafetyChecker, OutcomeTracker).
//   3. Heal: all links open, no message faults, crashed members restarted, removed nodes
//      shut down.
//   4. Liveness: within 10 * election_tick * members tick rounds (each followed by delivering
//      every message), a leader must exist and a fresh proposal must commit; within as many
//      more, every member must apply it. Then the stored logs are compared pairwise.
//
// Everything is driven by one Rng seeded from spec.seed (and per-node seeds derived from
// it), so a run replays exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tests/raft/simulation/run_stats.h"
#include "tests/raft/simulation/scenario.h"
#include "tests/raft/simulation/verdict.h"

namespace coord::raft::sim {

struct RunOptions {
  bool echo_trace = false;   // print every event to stderr as it happens
  size_t trace_tail = 300;   // events kept for the failure report
};

struct RunResult {
  RunSpec spec;
  std::optional<Violation> violation;
  RunStats stats;
  std::string trace_tail;   // only filled when the run failed
  uint64_t trace_events = 0;
  uint64_t fingerprint = 0; // digest of the final state: equal for equal runs
};

RunResult RunSimulation(const RunSpec& spec, const RunOptions& options = {});

}  // namespace coord::raft::sim
