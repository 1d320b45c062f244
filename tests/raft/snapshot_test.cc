// Snapshots: a follower behind the compacted log catches up by a chunked InstallSnapshot.
#include <gtest/gtest.h>

#include "raft/raw_node.h"
#include "tests/raft/test_network.h"

namespace coord::raft {
namespace {

using testing::AppliedData;
using testing::TestNetwork;

// Snapshots the applied state of `id` (here: a string naming the index, padded to 1000
// bytes) and compacts its log up to the snapshot.
void SnapshotAndCompact(TestNetwork& net, uint64_t id) {
  StatusView st = net.node(id).GetStatus();
  std::string data = "state@" + std::to_string(st.applied);
  data.resize(1000, '.');
  ASSERT_TRUE(net.storage(id).CreateSnapshot(st.applied, st.conf_state, data).ok());
  ASSERT_TRUE(net.storage(id).Compact(st.applied).ok());
}

size_t Count(const TestNetwork& net, pb::MessageType type, uint64_t to) {
  size_t n = 0;
  for (const auto& m : net.delivered) n += (m.type() == type && m.to() == to);
  return n;
}

TEST(SnapshotTest, LaggingFollowerInstallsChunkedSnapshot) {
  TestNetwork net({1, 2, 3}, [](Config& c) { c.snapshot_chunk_size = 128; });
  ASSERT_EQ(net.Elect(1), 1u);
  net.Isolate(3);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(net.node(1).Propose("e" + std::to_string(i)).ok());
  net.Stabilize();
  SnapshotAndCompact(net, 1);
  const uint64_t snap_index = net.storage(1).FirstIndex() - 1;
  net.Heal();
  net.Tick(1, 3);
  ASSERT_TRUE(net.state(3).installed_snapshot.has_value());
  EXPECT_EQ(net.state(3).installed_snapshot->metadata().index(), snap_index);
  EXPECT_EQ(net.state(3).installed_snapshot->data().size(), 1000u);
  EXPECT_EQ(net.state(3).installed_snapshot->data().substr(0, 6), "state@");
  EXPECT_GE(Count(net, pb::MSG_SNAPSHOT, 3), 8u);  // 1000 bytes in 128-byte chunks
  // Replication continues after the snapshot.
  ASSERT_TRUE(net.node(1).Propose("after").ok());
  net.Stabilize();
  EXPECT_EQ(AppliedData(net.state(3)), std::vector<std::string>{"after"});
  EXPECT_EQ(net.node(3).GetStatus().commit, net.node(1).GetStatus().commit);
}

TEST(SnapshotTest, LostChunksAreResent) {
  TestNetwork net({1, 2, 3}, [](Config& c) { c.snapshot_chunk_size = 100; });
  ASSERT_EQ(net.Elect(1), 1u);
  net.Isolate(3);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(net.node(1).Propose("e").ok());
  net.Stabilize();
  SnapshotAndCompact(net, 1);
  int chunks_seen = 0;
  net.drop = [&chunks_seen](const pb::Message& m) {
    // Lose every third chunk on its way.
    return m.type() == pb::MSG_SNAPSHOT && (++chunks_seen % 3 == 0);
  };
  net.Tick(1, 30);
  ASSERT_TRUE(net.state(3).installed_snapshot.has_value());
  EXPECT_EQ(net.state(3).installed_snapshot->data().size(), 1000u);
}

TEST(SnapshotTest, FollowerRestartsFromItsSnapshot) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(net.node(1).Propose("e").ok());
  net.Stabilize();
  SnapshotAndCompact(net, 2);
  net.Restart(2);
  StatusView st = net.node(2).GetStatus();
  EXPECT_EQ(st.applied, net.storage(2).FirstIndex() - 1);
  EXPECT_EQ(st.term, net.node(1).term());
  ASSERT_TRUE(net.node(1).Propose("later").ok());
  net.Stabilize();
  EXPECT_EQ(AppliedData(net.state(2)).back(), "later");
}

TEST(SnapshotTest, StaleSnapshotIsIgnored) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  ASSERT_TRUE(net.node(1).Propose("x").ok());
  net.Stabilize();
  const uint64_t commit = net.node(2).GetStatus().commit;
  pb::Message m;
  m.set_type(pb::MSG_SNAPSHOT);
  m.set_from(1);
  m.set_to(2);
  m.set_term(net.node(1).term());
  m.mutable_snapshot()->mutable_metadata()->set_index(1);
  m.mutable_snapshot()->mutable_metadata()->set_term(1);
  m.mutable_snapshot()->set_last(true);
  ASSERT_TRUE(net.node(2).Step(m).ok());
  Ready rd = net.node(2).GetReady();
  EXPECT_FALSE(rd.snapshot.has_value());
  ASSERT_EQ(rd.messages_after_persist.size(), 1u);
  EXPECT_EQ(rd.messages_after_persist[0].type(), pb::MSG_APPEND_RESP);
  EXPECT_EQ(rd.messages_after_persist[0].index(), commit);
  net.node(2).Advance(rd);
}

}  // namespace
}  // namespace coord::raft
