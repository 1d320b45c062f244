// Runner: runs batches of seeds and reports on them; reads the environment knobs.
//
//   COORD_SIM_SEEDS=N        seeds in the default sweep (split across its shards)
//   COORD_SIM_FIRST_SEED=S   first seed of every sweep (default 1)
//   COORD_SIM_SEED=S         the seed Simulation.ReplaySeed runs
//   COORD_SIM_VARIANT=V      the variant it runs (default, no-prevote, bug-vote-log, bug-figure8)
//   COORD_SIM_TRACE=1        ReplaySeed prints every event to stderr as it happens
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/raft/simulation/run_stats.h"
#include "tests/raft/simulation/scenario.h"
#include "tests/raft/simulation/simulation.h"

namespace coord::raft::sim {

uint64_t EnvU64(const char* name, uint64_t fallback);
std::string EnvString(const char* name, const std::string& fallback);

struct SeedRange {
  uint64_t first = 1;
  uint64_t count = 0;
};

// Shard `shard` of `shards` of a sweep of COORD_SIM_SEEDS seeds (default `default_total`),
// starting at COORD_SIM_FIRST_SEED (default 1).
SeedRange ShardRange(uint64_t default_total, int shard, int shards);

struct BatchOptions {
  size_t keep_failures = 3;            // full reports kept (the rest are only counted)
  // When set, the batch stops at the first violation this accepts (kept in `stopped_by`).
  std::function<bool(const Violation&)> stop_on;
  uint64_t progress_every = 250;       // seeds between progress lines (0: none)
};

struct BatchResult {
  uint64_t runs = 0;
  uint64_t failed = 0;
  RunStats stats;
  std::vector<RunResult> failures;
  std::map<std::string, uint64_t> by_invariant;
  std::optional<RunResult> stopped_by;
  double seconds = 0;
};

BatchResult RunSeeds(const std::string& label, SeedRange range, const Variant& variant,
                     const BatchOptions& options = {});

// Liveness and convergence failures say nothing about safety.
bool IsSafetyViolation(const Violation& v);

// Seed, fault mix, violation, the trace tail and the replay command, ready to print.
std::string FailureReport(const RunResult& r);

}  // namespace coord::raft::sim
