// One-server-at-a-time membership changes and learners.
#include <gtest/gtest.h>

#include "raft/raw_node.h"
#include "tests/raft/test_network.h"

namespace coord::raft {
namespace {

using testing::AppliedData;
using testing::TestNetwork;

pb::ConfChange Change(pb::ConfChangeType type, uint64_t node) {
  pb::ConfChange cc;
  cc.set_type(type);
  cc.set_node_id(node);
  return cc;
}

std::set<uint64_t> Voters(RawNode& n) {
  auto cs = n.GetStatus().conf_state;
  return {cs.voters().begin(), cs.voters().end()};
}
std::set<uint64_t> Learners(RawNode& n) {
  auto cs = n.GetStatus().conf_state;
  return {cs.learners().begin(), cs.learners().end()};
}

TEST(ConfChangeTest, LearnerReceivesLogButDoesNotVote) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  net.AddNode(4);
  ASSERT_TRUE(net.node(1).ProposeConfChange(Change(pb::ADD_LEARNER, 4)).ok());
  net.Stabilize();
  EXPECT_EQ(Learners(net.node(1)), std::set<uint64_t>{4});
  EXPECT_EQ(Learners(net.node(4)), std::set<uint64_t>{4});
  ASSERT_TRUE(net.node(1).Propose("x").ok());
  net.Stabilize();
  EXPECT_EQ(AppliedData(net.state(4)), std::vector<std::string>{"x"});
  // With both other voters gone, the learner's acknowledgement does not make a quorum.
  net.drop = [](const pb::Message& m) { return m.to() == 2 || m.to() == 3; };
  const uint64_t commit = net.node(1).GetStatus().commit;
  ASSERT_TRUE(net.node(1).Propose("y").ok());
  net.Stabilize();
  EXPECT_EQ(net.node(1).GetStatus().commit, commit);
  // And a learner never campaigns.
  net.Tick(4, 50);
  EXPECT_EQ(net.node(4).role(), Role::kFollower);
}

TEST(ConfChangeTest, PromoteLearnerToVoter) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  net.AddNode(4);
  ASSERT_TRUE(net.node(1).ProposeConfChange(Change(pb::ADD_LEARNER, 4)).ok());
  net.Stabilize();
  ASSERT_TRUE(net.node(1).ProposeConfChange(Change(pb::ADD_VOTER, 4)).ok());
  net.Stabilize();
  EXPECT_EQ(Voters(net.node(1)), (std::set<uint64_t>{1, 2, 3, 4}));
  EXPECT_TRUE(Learners(net.node(1)).empty());
  // Four voters need three: with 2 and 3 gone, 1 and 4 cannot commit.
  net.drop = [](const pb::Message& m) { return m.to() == 2 || m.to() == 3; };
  const uint64_t commit = net.node(1).GetStatus().commit;
  ASSERT_TRUE(net.node(1).Propose("y").ok());
  net.Stabilize();
  EXPECT_EQ(net.node(1).GetStatus().commit, commit);
}

TEST(ConfChangeTest, OneChangeAtATime) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  // While the first change cannot commit, a second one is refused.
  net.drop = [](const pb::Message& m) { return m.type() == pb::MSG_APPEND_RESP; };
  ASSERT_TRUE(net.node(1).ProposeConfChange(Change(pb::ADD_LEARNER, 5)).ok());
  net.Stabilize();
  auto second = net.node(1).ProposeConfChange(Change(pb::ADD_LEARNER, 6));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kBusy);
  // Once the first is applied, the next is accepted.
  net.Heal();
  net.Tick(1);
  EXPECT_EQ(Learners(net.node(1)), std::set<uint64_t>{5});
  EXPECT_TRUE(net.node(1).ProposeConfChange(Change(pb::ADD_LEARNER, 6)).ok());
}

TEST(ConfChangeTest, NewLeaderWaitsForItsNoopBeforeChanges) {
  TestNetwork net({1, 2, 3});
  net.drop = [](const pb::Message& m) { return m.type() == pb::MSG_APPEND_RESP; };
  ASSERT_EQ(net.Elect(1), 1u);
  auto r = net.node(1).ProposeConfChange(Change(pb::ADD_LEARNER, 4));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kBusy);
  net.Heal();
  net.Tick(1);
  EXPECT_TRUE(net.node(1).ProposeConfChange(Change(pb::ADD_LEARNER, 4)).ok());
}

TEST(ConfChangeTest, RemovedLeaderStepsDownAndOthersContinue) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  ASSERT_TRUE(net.node(1).ProposeConfChange(Change(pb::REMOVE_NODE, 1)).ok());
  net.Stabilize();
  EXPECT_EQ(net.node(1).role(), Role::kFollower);
  EXPECT_EQ(Voters(net.node(2)), (std::set<uint64_t>{2, 3}));
  ASSERT_EQ(net.Elect(2), 2u);
  ASSERT_TRUE(net.node(2).Propose("z").ok());
  net.Stabilize();
  EXPECT_EQ(AppliedData(net.state(3)).back(), "z");
  // The removed node never campaigns again.
  net.Tick(1, 50);
  EXPECT_EQ(net.node(1).role(), Role::kFollower);
}

TEST(ConfChangeTest, InvalidChangesAreRefused) {
  TestNetwork net({1});
  net.Tick(1, 20);
  ASSERT_EQ(net.Leader(), 1u);
  EXPECT_EQ(net.node(1).ProposeConfChange(Change(pb::REMOVE_NODE, 1)).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(net.node(1).ProposeConfChange(Change(pb::ADD_VOTER, 1)).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(net.node(1).ProposeConfChange(Change(pb::REMOVE_NODE, 7)).status().code(),
            Status::Code::kInvalidArgument);
}

TEST(ConfChangeTest, MembershipSurvivesRestart) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  net.AddNode(4);
  ASSERT_TRUE(net.node(1).ProposeConfChange(Change(pb::ADD_LEARNER, 4)).ok());
  net.Stabilize();
  // Snapshot on node 2 captures the new membership; a restart reads it back.
  StatusView st = net.node(2).GetStatus();
  ASSERT_TRUE(net.storage(2).CreateSnapshot(st.applied, st.conf_state, "s").ok());
  ASSERT_TRUE(net.storage(2).Compact(st.applied).ok());
  net.Restart(2);
  EXPECT_EQ(Learners(net.node(2)), std::set<uint64_t>{4});
}

}  // namespace
}  // namespace coord::raft
