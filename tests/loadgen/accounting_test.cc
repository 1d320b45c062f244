// coord-load's accounting against a real coordd: every create it counts as ok exists, and
// nothing else; a stopped target is counted as errors, not successes.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/api/api_client.h"
#include "tests/api/coordd_cluster.h"
#include "tests/loadgen/run_coord_load.h"

namespace coord::api::testing {
namespace {

using loadgen::testing::RunCoordLoad;

TEST(LoadgenAccounting, CountedCreatesAreExactlyTheNodesCreated) {
  CoorddCluster c(1);
  ASSERT_TRUE(c.Start());
  const std::string target = "--targets 127.0.0.1:" + std::to_string(c.client_port(1));
  const std::string json_path = c.dir() + "/create.json";
  nlohmann::json r = RunCoordLoad("--workload create --concurrency 8 --duration 1 --warmup 0 --prefix /acct " + target,
                             json_path);
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["errors"], 0);
  const uint64_t ok = r["ok"];
  EXPECT_GT(ok, 0u);
  Reply children = Get(c.client_port(1), "/v1/nodes/acct?children=true");
  ASSERT_TRUE(children.ok()) << children.Describe();
  // Requests still in flight at the deadline may complete without being counted.
  EXPECT_GE(children.json["children"].size(), ok);
  EXPECT_LE(children.json["children"].size(), ok + 8);
  EXPECT_NEAR(r["throughput"].get<double>(), static_cast<double>(ok), 1e-6);

  nlohmann::json g = RunCoordLoad("--workload get --prepopulate 50 --keys 50 --concurrency 4 --duration 0.5 --warmup 0 --prefix /acct2 " + target,
                             c.dir() + "/get.json");
  EXPECT_EQ(g["errors"], 0);
  EXPECT_GT(g["ok"].get<uint64_t>(), 0u);
  EXPECT_EQ(Get(c.client_port(1), "/v1/nodes/acct2?children=true").json["children"].size(), 50u);
  EXPECT_LE(g["latency_ms"]["p50"].get<double>(), g["latency_ms"]["p99"].get<double>());
  EXPECT_LE(g["latency_ms"]["p99"].get<double>(), g["latency_ms"]["max"].get<double>());

  c.Kill(1);
  // A target that is down: reported as failure (exit status 1), never as successes.
  const std::string cmd = std::string(COORD_LOAD_BINARY) + " --quiet --workload get --concurrency 2 --duration 0.3 --warmup 0 " +
                          target + " > " + c.dir() + "/dead.txt 2>&1";
  EXPECT_NE(std::system(cmd.c_str()), 0);
  std::ifstream dead(c.dir() + "/dead.txt");
  std::stringstream text;
  text << dead.rdbuf();
  EXPECT_NE(text.str().find("Connection refused"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("0 ok"), std::string::npos) << text.str();
}

}  // namespace
}  // namespace coord::api::testing
