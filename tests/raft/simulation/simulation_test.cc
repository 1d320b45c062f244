// The deterministic cluster simulation of the Raft core: sweeps of seeds across all fault
// mixes, a replay entry point, and a determinism check. See README.md.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/raft/simulation/crash_reporter.h"
#include "tests/raft/simulation/runner.h"

namespace coord::raft::sim {
namespace {

constexpr int kShards = 10;
constexpr uint64_t kDefaultSeeds = 2000;
constexpr int kNoPreVoteShards = 2;
constexpr uint64_t kNoPreVoteSeeds = 300;

void ReportFailures(const BatchResult& b) {
  for (const RunResult& f : b.failures) ADD_FAILURE() << FailureReport(f);
  for (const auto& [invariant, count] : b.by_invariant) {
    std::printf("  violations of %s: %llu\n", invariant.c_str(),
                static_cast<unsigned long long>(count));
  }
}

class SimulationShard : public ::testing::TestWithParam<int> {};

// Every seed of the sweep must be safe and live. The shard also checks that its seeds
// exercised what the fault mixes are for: a sweep that never crashed a node inside a Ready
// or never sent a snapshot would pass vacuously.
TEST_P(SimulationShard, SafeAndLive) {
  const SeedRange range = ShardRange(kDefaultSeeds, GetParam(), kShards);
  const BatchResult b = RunSeeds("shard " + std::to_string(GetParam()), range, Variant{});
  ReportFailures(b);
  EXPECT_EQ(b.failed, 0u) << b.failed << " of " << b.runs << " seeds failed";
  std::printf("  %s\n", b.stats.ToString().c_str());
  if (range.count >= 80) {  // ten seeds of every mix: each kind of event must have happened
    EXPECT_GT(b.stats.acked, 0u);
    EXPECT_GT(b.stats.dropped, 0u);
    EXPECT_GT(b.stats.reads_served, 0u);
    EXPECT_GT(b.stats.crashes, 0u);
    EXPECT_GT(b.stats.mid_ready_crashes, 0u);
    EXPECT_GT(b.stats.outages, 0u);
    EXPECT_GT(b.stats.partitions, 0u);
    EXPECT_GT(b.stats.snapshots_installed, 0u);
    EXPECT_GT(b.stats.conf_changes_applied, 0u);
    EXPECT_GT(b.stats.nodes_added, 0u);
    EXPECT_GT(b.stats.nodes_decommissioned, 0u);
    EXPECT_GT(b.stats.transfers, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, SimulationShard, ::testing::Range(0, kShards));

class SimulationNoPreVote : public ::testing::TestWithParam<int> {};

// The same sweep with pre-vote and check-quorum off: plain Raft elections, where a
// partitioned node returning with a higher term disrupts the leader.
TEST_P(SimulationNoPreVote, SafeAndLive) {
  const Variant variant = *VariantByName("no-prevote");
  const SeedRange range = ShardRange(kNoPreVoteSeeds, GetParam(), kNoPreVoteShards);
  const BatchResult b =
      RunSeeds("no-prevote shard " + std::to_string(GetParam()), range, variant);
  ReportFailures(b);
  EXPECT_EQ(b.failed, 0u) << b.failed << " of " << b.runs << " seeds failed";
  std::printf("  %s\n", b.stats.ToString().c_str());
}

INSTANTIATE_TEST_SUITE_P(Seeds, SimulationNoPreVote, ::testing::Range(0, kNoPreVoteShards));

// Replays one seed: COORD_SIM_SEED (default 1), COORD_SIM_VARIANT (default "default");
// COORD_SIM_TRACE=1 prints every event to stderr.
TEST(Simulation, ReplaySeed) {
  const uint64_t seed = EnvU64("COORD_SIM_SEED", 1);
  const std::string name = EnvString("COORD_SIM_VARIANT", "default");
  const std::optional<Variant> variant = VariantByName(name);
  ASSERT_TRUE(variant.has_value()) << "unknown COORD_SIM_VARIANT " << name;
  RunOptions options;
  options.echo_trace = EnvU64("COORD_SIM_TRACE", 0) != 0;
  const RunResult r = RunSimulation(MakeRunSpec(seed, *variant), options);
  std::printf("seed %llu: %s\n  %s\n", static_cast<unsigned long long>(seed),
              DescribeSpec(r.spec).c_str(), r.stats.ToString().c_str());
  EXPECT_FALSE(r.violation.has_value()) << FailureReport(r);
}

// A seed must replay exactly: same events, same final state. Otherwise a printed seed would
// not reproduce its failure.
TEST(Simulation, DeterministicReplay) {
  for (uint64_t seed : {3, 4, 6, 7}) {  // crashes, membership, everything, figure8
    const RunSpec spec = MakeRunSpec(seed, Variant{});
    const RunResult a = RunSimulation(spec);
    const RunResult b = RunSimulation(spec);
    EXPECT_EQ(a.trace_events, b.trace_events) << "seed " << seed;
    EXPECT_EQ(a.fingerprint, b.fingerprint) << "seed " << seed;
    EXPECT_EQ(a.stats.ToString(), b.stats.ToString()) << "seed " << seed;
    EXPECT_GT(a.stats.delivered, 0u);
  }
}

}  // namespace
}  // namespace coord::raft::sim
