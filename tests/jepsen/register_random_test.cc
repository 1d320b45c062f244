// Randomized: histories of a simulated linearizable register are always valid; the same
// histories with one injected stale read are always invalid. Prints the seed on failure.
#include <gtest/gtest.h>

#include "jepsen/register_checker.h"
#include "tests/jepsen/register_sim.h"

namespace coord::jepsen {
namespace {

using testing::InjectStaleRead;
using testing::SimOptions;
using testing::SimulateRegisterHistory;

Result<CheckResult> CheckHistory(History h) {
  Result<PairedHistory> paired = PairHistory(std::move(h));
  if (!paired.ok()) return paired.status();
  RegisterCheckOptions o;
  o.per_key_budget = std::chrono::seconds(30);
  return CheckRegisterHistory(paired.value(), o);
}

SimOptions Options(uint64_t seed) {
  SimOptions o;
  o.seed = seed;
  o.processes = 3 + static_cast<int>(seed % 6);   // 3..8 concurrent clients
  o.keys = 1 + static_cast<int>(seed % 3);
  o.ops = 300 + static_cast<int>(seed % 5) * 100;
  o.info_rate = (seed % 4) * 0.04;                 // 0, 4, 8, 12 % timeouts
  return o;
}

TEST(RegisterRandomTest, SimulatedLinearizableHistoriesAreValid) {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    SimOptions o = Options(seed);
    o.unique_values = seed % 2 == 0;  // small value domains make the search work harder
    Result<CheckResult> r = CheckHistory(SimulateRegisterHistory(o));
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.status().ToString();
    EXPECT_EQ(r->verdict, Verdict::kValid)
        << "seed " << seed << ": " << r->message
        << (r->anomalies.empty() ? "" : "\n" + r->anomalies[0].message);
  }
}

TEST(RegisterRandomTest, OneInjectedStaleReadIsAlwaysDetected) {
  int injected = 0, detected = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    History h = SimulateRegisterHistory(Options(seed));
    size_t line = InjectStaleRead(h);
    ASSERT_GT(line, 0u) << "seed " << seed << ": nothing to make stale";
    ++injected;
    Result<CheckResult> r = CheckHistory(h);
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.status().ToString();
    EXPECT_EQ(r->verdict, Verdict::kInvalid) << "seed " << seed << ": stale read at line " << line
                                              << " missed: " << r->message;
    if (r->verdict == Verdict::kInvalid) ++detected;
  }
  EXPECT_EQ(detected, injected) << "detection rate must be 100%";
  std::printf("stale reads injected: %d, detected: %d\n", injected, detected);
}

}  // namespace
}  // namespace coord::jepsen
