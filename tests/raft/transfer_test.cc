// Leadership transfer (TimeoutNow).
#include <gtest/gtest.h>

#include "raft/raw_node.h"
#include "tests/raft/test_network.h"

namespace coord::raft {
namespace {

using testing::AppliedData;
using testing::TestNetwork;

TEST(TransferTest, ToCaughtUpFollower) {
  TestNetwork net({1, 2, 3}, [](Config& c) { c.check_quorum = true; c.pre_vote = true; });
  ASSERT_EQ(net.Elect(1), 1u);
  ASSERT_TRUE(net.node(1).TransferLeadership(2).ok());
  net.Stabilize();
  EXPECT_EQ(net.Leader(), 2u);
  EXPECT_EQ(net.node(1).role(), Role::kFollower);
}

TEST(TransferTest, ToLaggingFollowerCatchesItUpFirst) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  net.Isolate(3);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(net.node(1).Propose("v" + std::to_string(i)).ok());
  net.Stabilize();
  net.Heal();
  ASSERT_TRUE(net.node(1).TransferLeadership(3).ok());
  net.Stabilize();
  EXPECT_EQ(net.Leader(), 3u);
  EXPECT_EQ(AppliedData(net.state(3)).size(), 5u);
}

TEST(TransferTest, ProposalsRefusedDuringTransfer) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  net.Isolate(2);
  ASSERT_TRUE(net.node(1).TransferLeadership(2).ok());
  net.Stabilize();
  auto r = net.node(1).Propose("x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kProposalDropped);
}

TEST(TransferTest, AbortedAfterElectionTimeout) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  net.Isolate(2);
  ASSERT_TRUE(net.node(1).TransferLeadership(2).ok());
  net.Tick(1, 10);
  EXPECT_EQ(net.node(1).GetStatus().lead_transferee, 0u);
  EXPECT_TRUE(net.node(1).Propose("after").ok());
}

TEST(TransferTest, TargetMustBeAVoter) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  EXPECT_EQ(net.node(1).TransferLeadership(9).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(net.node(2).TransferLeadership(3).code(), Status::Code::kNotLeader);
}

TEST(TransferTest, TimeoutNowOverridesLease) {
  // With check-quorum, voters that hear from the leader ignore vote requests; a transfer's
  // vote request carries `force` and must still win.
  TestNetwork net({1, 2, 3}, [](Config& c) { c.check_quorum = true; });
  ASSERT_EQ(net.Elect(1), 1u);
  const uint64_t term = net.node(1).term();
  ASSERT_TRUE(net.node(1).TransferLeadership(3).ok());
  net.Stabilize();
  EXPECT_EQ(net.Leader(), 3u);
  EXPECT_EQ(net.node(3).term(), term + 1);
}

}  // namespace
}  // namespace coord::raft
