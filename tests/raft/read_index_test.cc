// ReadIndex: a read point is released only after a quorum confirms leadership, never before
// the leader has committed an entry of its term, and also from followers.
#include <gtest/gtest.h>

#include "raft/raw_node.h"
#include "tests/raft/test_network.h"

namespace coord::raft {
namespace {

using testing::TestNetwork;

TEST(ReadIndexTest, LeaderReleasesAfterHeartbeatQuorum) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  ASSERT_TRUE(net.node(1).Propose("x").ok());
  net.Stabilize();
  const uint64_t commit = net.node(1).GetStatus().commit;
  ASSERT_TRUE(net.node(1).ReadIndex("ctx").ok());
  net.Stabilize();
  ASSERT_EQ(net.state(1).reads.size(), 1u);
  EXPECT_EQ(net.state(1).reads[0].context, "ctx");
  EXPECT_EQ(net.state(1).reads[0].index, commit);
}

TEST(ReadIndexTest, IsolatedLeaderNeverReleases) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  net.Isolate(1);
  ASSERT_TRUE(net.node(1).ReadIndex("stale?").ok());
  net.Tick(1, 5);
  EXPECT_TRUE(net.state(1).reads.empty());
  // A new leader elsewhere takes writes the old one cannot see.
  ASSERT_EQ(net.Elect(2), 2u);
  EXPECT_TRUE(net.state(1).reads.empty());
}

TEST(ReadIndexTest, OneAckReleasesAllEarlierRequests) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  net.drop = [](const pb::Message& m) { return m.type() == pb::MSG_HEARTBEAT_RESP; };
  ASSERT_TRUE(net.node(1).ReadIndex("a").ok());
  ASSERT_TRUE(net.node(1).ReadIndex("b").ok());
  net.Stabilize();
  EXPECT_TRUE(net.state(1).reads.empty());
  net.Heal();
  ASSERT_TRUE(net.node(1).ReadIndex("c").ok());
  net.Stabilize();
  ASSERT_EQ(net.state(1).reads.size(), 3u);
  EXPECT_EQ(net.state(1).reads[0].context, "a");
  EXPECT_EQ(net.state(1).reads[2].context, "c");
}

TEST(ReadIndexTest, FollowerGetsReadIndexFromLeader) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  ASSERT_TRUE(net.node(1).Propose("x").ok());
  net.Stabilize();
  ASSERT_TRUE(net.node(3).ReadIndex("f").ok());
  net.Stabilize();
  ASSERT_EQ(net.state(3).reads.size(), 1u);
  EXPECT_EQ(net.state(3).reads[0].index, net.node(1).GetStatus().commit);
}

TEST(ReadIndexTest, FollowerWithoutLeaderFailsFast) {
  TestNetwork net({1, 2, 3});
  EXPECT_EQ(net.node(2).ReadIndex("x").code(), Status::Code::kProposalDropped);
}

TEST(ReadIndexTest, NewLeaderWaitsForItsNoopToCommit) {
  TestNetwork net({1, 2, 3});
  // Followers never acknowledge appends, so the new leader's no-op cannot commit.
  net.drop = [](const pb::Message& m) { return m.type() == pb::MSG_APPEND_RESP; };
  ASSERT_EQ(net.Elect(1), 1u);
  ASSERT_TRUE(net.node(1).ReadIndex("early").ok());
  net.Tick(1, 3);
  EXPECT_TRUE(net.state(1).reads.empty());
  net.Heal();
  net.Tick(1, 2);
  ASSERT_EQ(net.state(1).reads.size(), 1u);
  EXPECT_GE(net.state(1).reads[0].index, 1u);  // at least the no-op
}

TEST(ReadIndexTest, SingleVoterReleasesImmediately) {
  TestNetwork net({1});
  net.Tick(1, 20);
  ASSERT_EQ(net.Leader(), 1u);
  ASSERT_TRUE(net.node(1).ReadIndex("solo").ok());
  net.Stabilize();
  ASSERT_EQ(net.state(1).reads.size(), 1u);
}

}  // namespace
}  // namespace coord::raft
