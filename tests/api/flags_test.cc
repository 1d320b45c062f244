// Table tests of coordd's flag parsing (api/coordd/flags.h).
#include <gtest/gtest.h>

#include "api/coordd/daemon.h"
#include "api/coordd/flags.h"

namespace coord::api {
namespace {

raft::Result<CoorddFlags> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "coordd");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseCoorddFlags(static_cast<int>(argv.size()), argv.data());
}

TEST(CoorddFlags, NoFlagsIsASingleNodeDevServer) {
  raft::Result<CoorddFlags> f = Parse({});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->id, 1u);
  EXPECT_EQ(f->data_dir, "coord-data");
  EXPECT_EQ(f->listen_client.ToString(), "127.0.0.1:7379");
  EXPECT_EQ(f->listen_peer.ToString(), "127.0.0.1:7380");
  ASSERT_EQ(f->initial_cluster.size(), 1u);
  EXPECT_EQ(f->initial_cluster.at(1).ToString(), "127.0.0.1:7380");
}

TEST(CoorddFlags, AThreeNodeCluster) {
  raft::Result<CoorddFlags> f =
      Parse({"--id", "2", "--listen-client", "127.0.0.1:7479", "--listen-peer", "127.0.0.1:7480",
             "--initial-cluster", "1=127.0.0.1:7380,2=127.0.0.1:7480,3=127.0.0.1:7580",
             "--keepalive-rate", "2.5", "--leader-wait-ms", "100"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->initial_cluster.size(), 3u);
  EXPECT_EQ(f->keepalive_rate, 2.5);
  EXPECT_EQ(f->leader_wait_ms, 100);
  EXPECT_FALSE(Parse({"--help"})->help_text.empty());
}

TEST(CoorddFlags, Refusals) {
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"--nope"}, {"--id", "0"}, {"--id", "x"}, {"--tick-ms", "0"}, {"--listen-client", "1.2.3.4"},
           {"--listen-client", "h:0"}, {"--listen-peer", "h:65536"}, {"--initial-cluster", "2=h:1"},
           {"--initial-cluster", "0=h:1"}, {"--initial-cluster", "1=h:1,1=h:2"}, {"--data-dir", ""},
           {"--election-ticks", "1"}, {"--max-body-bytes", "1"}, {"--session-min-ttl-ms", "0"},
           {"--leader-wait-ms", "-1"}, {"--idle-timeout-ms", "0"}, {"--keepalive-rate", "-2"},
           {"--tick-ms", "1", "--tick-ms", "2"}}) {
    raft::Result<CoorddFlags> f = Parse(bad);
    EXPECT_FALSE(f.ok()) << bad[0];
    if (!f.ok()) {
      EXPECT_EQ(f.status().code(), raft::Status::Code::kInvalidArgument);
    }
  }
}

TEST(CoorddFlags, ClusterIdsHashToStableNonZeroNumbers) {
  EXPECT_EQ(NumericClusterId("coord"), NumericClusterId("coord"));
  EXPECT_NE(NumericClusterId("coord"), NumericClusterId("coord2"));
  EXPECT_NE(NumericClusterId(""), 0u);
}

}  // namespace
}  // namespace coord::api
