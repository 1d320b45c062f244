// Checker bites: the simulation must catch classic Raft bugs. Each test turns on one of the
// core's InjectedBugs on every node and runs seeds until the simulation reports a safety
// violation; the test fails if none does within its seed budget. If these pass with the bug
// on, the invariants are doing work; they must also never fire with it off (the sweeps in
// simulation_test.cc).
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "tests/raft/simulation/crash_reporter.h"
#include "tests/raft/simulation/runner.h"

namespace coord::raft::sim {
namespace {

void ExpectCaught(const std::string& variant_name, uint64_t budget) {
  const Variant variant = *VariantByName(variant_name);
  SeedRange range;
  range.first = EnvU64("COORD_SIM_FIRST_SEED", 1);
  range.count = budget;
  BatchOptions options;
  // Liveness failures do not show that the bug was caught; keep looking for a safety one.
  options.stop_on = IsSafetyViolation;
  options.keep_failures = 0;
  options.progress_every = 100;
  const BatchResult b = RunSeeds(variant_name, range, variant, options);
  for (const auto& [invariant, count] : b.by_invariant) {
    std::printf("  %s: %llu violation(s) of %s\n", variant_name.c_str(),
                static_cast<unsigned long long>(count), invariant.c_str());
  }
  std::printf("  %s\n", b.stats.ToString().c_str());
  ASSERT_TRUE(b.stopped_by.has_value())
      << "no safety violation in " << b.runs << " seeds with " << variant_name;
  const RunResult& f = *b.stopped_by;
  std::printf("%s: caught after %llu seed(s) by invariant '%s' (%s)\n  %s\n  replay: %s\n",
              variant_name.c_str(), static_cast<unsigned long long>(b.runs),
              f.violation->invariant.c_str(), FaultMixName(f.spec.mix),
              f.violation->detail.c_str(), ReplayCommand(f.spec.seed, variant_name).c_str());
  if (EnvU64("COORD_SIM_TRACE", 0) != 0) std::printf("%s", FailureReport(f).c_str());
}

TEST(CheckerBites, SkipVoteLogCheckIsCaught) { ExpectCaught("bug-vote-log", 400); }

TEST(CheckerBites, CommitPreviousTermByCountIsCaught) { ExpectCaught("bug-figure8", 600); }

}  // namespace
}  // namespace coord::raft::sim
