// Log replication: the paper's Figure 7 and Figure 8 scenarios, fast backtracking, flow
// control, and proposals.
#include <gtest/gtest.h>

#include "raft/raw_node.h"
#include "tests/raft/test_network.h"

namespace coord::raft {
namespace {

using testing::AppliedData;
using testing::TestNetwork;

std::vector<uint64_t> LogTerms(TestNetwork& net, uint64_t id) {
  std::vector<uint64_t> terms;
  MemoryStorage& s = net.storage(id);
  for (uint64_t i = s.FirstIndex(); i <= s.LastIndex(); ++i) terms.push_back(*s.Term(i));
  return terms;
}

size_t CountRejections(const TestNetwork& net, uint64_t from) {
  size_t n = 0;
  for (const auto& m : net.delivered) {
    if (m.type() == pb::MSG_APPEND_RESP && m.reject() && m.from() == from) ++n;
  }
  return n;
}

TEST(ReplicationTest, ProposalsCommitEverywhereInOrder) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  for (std::string v : {"a", "b", "c"}) ASSERT_TRUE(net.node(1).Propose(v).ok());
  net.Stabilize();
  for (uint64_t id : {1, 2, 3}) {
    EXPECT_EQ(AppliedData(net.state(id)), (std::vector<std::string>{"a", "b", "c"})) << id;
  }
}

TEST(ReplicationTest, BatchProposalTakesConsecutiveIndexesInOneAppend) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  const size_t before = net.delivered.size();
  auto p = net.node(1).ProposeBatch({"a", "b", "c"});
  ASSERT_TRUE(p.ok());
  net.Stabilize();
  EXPECT_EQ(p->index + 2, net.node(1).GetStatus().last_index);
  size_t appends_to_2 = 0;
  for (size_t i = before; i < net.delivered.size(); ++i) {
    const auto& m = net.delivered[i];
    if (m.type() == pb::MSG_APPEND && m.to() == 2 && m.entries_size() > 0) {
      ++appends_to_2;
      EXPECT_EQ(m.entries_size(), 3);
    }
  }
  EXPECT_EQ(appends_to_2, 1u);
  EXPECT_EQ(AppliedData(net.state(3)), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_FALSE(net.node(2).ProposeBatch({"x"}).ok());
}

TEST(ReplicationTest, FollowerRefusesProposalWithLeaderHint) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  auto r = net.node(2).Propose("x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotLeader);
  EXPECT_EQ(r.status().leader_hint(), 1u);
}

// Figure 7: whatever a follower's log looks like, the leader of term 8 makes it identical to
// its own, and fast backtracking needs at most a few rejected rounds to find the match point.
TEST(ReplicationTest, Figure7FollowersConverge) {
  const std::vector<uint64_t> leader_log = {1, 1, 1, 4, 4, 5, 5, 6, 6, 6};
  struct Case {
    const char* name;
    std::vector<uint64_t> follower_log;
    size_t max_rejections;
  };
  const std::vector<Case> cases = {
      {"a", {1, 1, 1, 4, 4, 5, 5, 6, 6}, 1},
      {"b", {1, 1, 1, 4}, 1},
      {"c", {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6}, 1},
      {"d", {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7}, 2},
      {"e", {1, 1, 1, 4, 4, 4, 4}, 2},
      {"f", {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3}, 3},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TestNetwork net({1, 2, 3});
    net.Preload(1, leader_log, 7);
    net.Preload(3, leader_log, 7);  // a voter that makes node 1 electable in every case
    net.Preload(2, c.follower_log, 7);
    ASSERT_EQ(net.Elect(1), 1u);
    std::vector<uint64_t> want = leader_log;
    want.push_back(net.node(1).term());  // the leader's no-op
    EXPECT_EQ(LogTerms(net, 2), want);
    EXPECT_LE(CountRejections(net, 2), c.max_rejections);
  }
}

TEST(ReplicationTest, FastBacktrackingSkipsWholeTerms) {
  // The follower has 50 entries of a term the leader never had: without the term hint the
  // leader would probe them one by one.
  TestNetwork net({1, 2, 3});
  std::vector<uint64_t> leader_log(5, 1);
  std::vector<uint64_t> follower_log(5, 1);
  follower_log.insert(follower_log.end(), 50, 2);
  leader_log.insert(leader_log.end(), 3, 3);
  net.Preload(1, leader_log, 3);
  net.Preload(3, leader_log, 3);
  net.Preload(2, follower_log, 3);
  ASSERT_EQ(net.Elect(1), 1u);
  EXPECT_LE(CountRejections(net, 2), 2u);
  EXPECT_EQ(LogTerms(net, 2).size(), leader_log.size() + 1);
}

// Figure 8: an entry of an earlier term stored on a majority is not committed by counting;
// only an entry of the leader's own term commits (and with it everything before).
class Figure8Test : public ::testing::TestWithParam<bool> {};

TEST_P(Figure8Test, PreviousTermEntryOnMajorityIsNotCommittedByCount) {
  const bool bug = GetParam();
  TestNetwork net({1, 2, 3, 4, 5}, [bug](Config& c) {
    c.max_size_per_msg = 1;  // one entry per append, so index 2 and 3 travel separately
    c.bugs.commit_previous_term_by_count = bug;
  });
  net.Preload(1, {1, 2}, 3, 1);
  net.Preload(2, {1, 2}, 3, 1);
  net.Preload(3, {1}, 3, 1);
  net.Preload(4, {1}, 3, 1);
  net.Preload(5, {1, 3}, 3, 1);
  // Node 5 is down, and the new leader's own entries (index 3 on) never arrive anywhere:
  // the leader's term-4 no-op stays on the leader alone.
  net.drop = [](const pb::Message& m) { return m.from() == 5 || m.to() == 5; };
  net.mutate = [](pb::Message& m) {
    if (m.type() != pb::MSG_APPEND) return;
    while (m.entries_size() > 0 && m.entries(m.entries_size() - 1).index() >= 3) {
      m.mutable_entries()->RemoveLast();
    }
  };
  ASSERT_EQ(net.Elect(1), 1u);
  ASSERT_EQ(net.node(1).term(), 4u);
  ASSERT_TRUE(net.storage(3).Term(2).ok());
  ASSERT_EQ(*net.storage(3).Term(2), 2u);  // the term-2 entry is now on nodes 1, 2, 3
  if (bug) {
    EXPECT_EQ(net.node(1).GetStatus().commit, 2u);  // the classic bug commits it
  } else {
    EXPECT_EQ(net.node(1).GetStatus().commit, 1u);  // correct: node 5 could still overwrite it
    net.Heal();
    net.mutate = nullptr;
    net.Tick(1);
    EXPECT_EQ(net.node(1).GetStatus().commit, 3u);  // committed together with the no-op
  }
}

INSTANTIATE_TEST_SUITE_P(CorrectAndInjectedBug, Figure8Test, ::testing::Values(false, true));

TEST(ReplicationTest, InflightLimitBoundsUnacknowledgedAppends) {
  TestNetwork net({1, 2, 3}, [](Config& c) { c.max_inflight_msgs = 2; });
  ASSERT_EQ(net.Elect(1), 1u);
  net.drop = [](const pb::Message& m) { return m.from() == 2 && m.to() == 1; };
  const size_t before = net.delivered.size();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(net.node(1).Propose("p" + std::to_string(i)).ok());
    net.Stabilize();
  }
  size_t appends_to_2 = 0;
  for (size_t i = before; i < net.delivered.size(); ++i) {
    const auto& m = net.delivered[i];
    if (m.type() == pb::MSG_APPEND && m.to() == 2 && m.entries_size() > 0) ++appends_to_2;
  }
  EXPECT_EQ(appends_to_2, 2u);
  // Node 3 still acknowledges, so everything commits.
  EXPECT_EQ(AppliedData(net.state(1)).size(), 10u);
}

TEST(ReplicationTest, LostAppendsFillingTheWindowAreRecoveredByHeartbeat) {
  // Found by the simulation: with the in-flight window full of lost appends, nothing would
  // ever be acknowledged again, and the follower stayed behind forever.
  TestNetwork net({1, 2, 3}, [](Config& c) { c.max_inflight_msgs = 1; });
  ASSERT_EQ(net.Elect(1), 1u);
  ASSERT_TRUE(net.node(1).Propose("warm").ok());
  net.Stabilize();
  net.drop = [](const pb::Message& m) { return m.type() == pb::MSG_APPEND && m.to() == 2; };
  ASSERT_TRUE(net.node(1).Propose("lost").ok());
  net.Stabilize();
  net.Heal();
  ASSERT_TRUE(net.node(1).Propose("later").ok());
  net.Tick(1, 3);
  EXPECT_EQ(AppliedData(net.state(2)), (std::vector<std::string>{"warm", "lost", "later"}));
}

TEST(ReplicationTest, MessageSizeLimitSplitsAppends) {
  TestNetwork net({1, 2}, [](Config& c) { c.max_size_per_msg = 1; });
  ASSERT_EQ(net.Elect(1), 1u);
  net.Isolate(2);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(net.node(1).Propose("v").ok());
  net.Stabilize();
  net.Heal();
  net.Tick(1);
  for (const auto& m : net.delivered) {
    if (m.type() == pb::MSG_APPEND) {
      EXPECT_LE(m.entries_size(), 1);
    }
  }
  EXPECT_EQ(AppliedData(net.state(2)).size(), 5u);
}

TEST(ReplicationTest, MalformedAppendIsRejectedNotFatal) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  pb::Message m;
  m.set_type(pb::MSG_APPEND);
  m.set_from(1);
  m.set_to(2);
  m.set_term(net.node(1).term());
  m.set_index(1);
  m.set_log_term(1);
  pb::Entry* e = m.add_entries();
  e->set_index(7);  // not contiguous with index 1
  e->set_term(1);
  EXPECT_EQ(net.node(2).Step(m).code(), Status::Code::kInvalidArgument);
  m.set_to(9);
  EXPECT_EQ(net.node(2).Step(m).code(), Status::Code::kInvalidArgument);
}

TEST(ReplicationTest, LeaderCountsItselfOnlyOncePersisted) {
  TestNetwork net({1});
  net.Tick(1, 20);
  ASSERT_EQ(net.Leader(), 1u);
  const uint64_t before = net.node(1).GetStatus().commit;
  auto p = net.node(1).Propose("x");
  ASSERT_TRUE(p.ok());
  // Not yet persisted: the single voter has not stored it, so it is not committed.
  EXPECT_EQ(net.node(1).GetStatus().commit, before);
  Ready rd = net.node(1).GetReady();
  ASSERT_EQ(rd.entries.size(), 1u);
  EXPECT_TRUE(rd.committed_entries.empty());
  ASSERT_TRUE(net.storage(1).Append(rd.entries).ok());
  net.node(1).Advance(rd);
  EXPECT_EQ(net.node(1).GetStatus().commit, p->index);
}

}  // namespace
}  // namespace coord::raft
