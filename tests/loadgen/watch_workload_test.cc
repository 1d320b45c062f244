// coord-load's watch workload against a real coordd: every stream opens, reads every write
// of the run in the same order as the others, and the delivery latency is measured for every
// (probe write, stream) pair of the window.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/api/coordd_cluster.h"
#include "tests/loadgen/run_coord_load.h"

namespace coord::api::testing {
namespace {

using loadgen::testing::RunCoordLoad;

TEST(LoadgenWatch, EveryWatcherReadsEveryWriteInTheSameOrder) {
  CoorddCluster c(1);
  ASSERT_TRUE(c.Start());
  constexpr int kWatchers = 20;
  constexpr double kSeconds = 2;
  nlohmann::json r = RunCoordLoad("--workload watch --watchers " + std::to_string(kWatchers) +
                                      " --concurrency 4 --duration 2 --warmup 0.5 --keys 50 --prepopulate 50"
                                      " --prefix /watched --targets 127.0.0.1:" + std::to_string(c.client_port(1)),
                                  c.dir() + "/watch.json");
  ASSERT_TRUE(r.is_object());
  // Among the kinds this rules out: a stream not opened or cut, one that had not read the
  // last write in time (watchers_behind), one that read fewer writes than were acknowledged
  // (watch_missed_events) or other zxids than the others (watch_sequence_differs).
  EXPECT_EQ(r["errors"], 0) << r["errors_by_kind"].dump();
  const nlohmann::json& figures = r["figures"];
  EXPECT_EQ(figures["watchers_open"], kWatchers);

  // The delivery latency: one sample per probe write of the window and stream, so every
  // stream read every probe write.
  const double probe_writes = figures["probe_writes"];
  EXPECT_GT(probe_writes, 0);
  EXPECT_EQ(figures["delivery_samples"].get<double>(), probe_writes * kWatchers);
  const nlohmann::json& latency = r["latency_ms"];
  EXPECT_GT(latency["p50"].get<double>(), 0);
  EXPECT_LE(latency["p50"].get<double>(), latency["p99"].get<double>());
  EXPECT_LE(latency["p99"].get<double>(), latency["max"].get<double>());

  // Events delivered: each stream reads each write of the window once. The window's writes
  // and the window's receipts differ by the writes in flight at its edges and those still on
  // their way, a few dozen at these rates.
  const double writes = figures["writes_per_s"].get<double>() * kSeconds + probe_writes;
  EXPECT_GT(figures["writes_per_s"].get<double>(), 0);
  EXPECT_NEAR(r["ok"].get<double>() / kWatchers, writes, 0.1 * writes + 50);
  EXPECT_NEAR(r["throughput"].get<double>(), r["ok"].get<double>() / kSeconds, 1e-6);
}

}  // namespace
}  // namespace coord::api::testing
