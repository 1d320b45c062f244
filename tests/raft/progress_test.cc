// Flow control and quorum arithmetic.
#include "raft/progress.h"

#include <gtest/gtest.h>

#include "raft/quorum.h"
#include "raft/read_only.h"

namespace coord::raft {
namespace {

TEST(ProgressTest, MaybeDecrToTable) {
  struct Case {
    ProgressState state;
    uint64_t match, next, rejected, hint;
    bool want_ok;
    uint64_t want_next;
  };
  const std::vector<Case> cases = {
      // Replicate: a rejection at or below match is stale; otherwise fall back to match + 1.
      {ProgressState::kReplicate, 5, 10, 5, 5, false, 10},
      {ProgressState::kReplicate, 5, 10, 9, 9, true, 6},
      // Probe: only the rejection of next - 1 counts; the hint moves next back past a term.
      {ProgressState::kProbe, 0, 10, 5, 5, false, 10},
      {ProgressState::kProbe, 0, 10, 9, 3, true, 4},
      {ProgressState::kProbe, 0, 10, 9, 20, true, 9},  // hint beyond rejection: step by one
      {ProgressState::kProbe, 4, 10, 9, 1, true, 5},   // never below match + 1
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    Progress pr(c.next, 10, 0);
    pr.state = c.state;
    pr.match = c.match;
    EXPECT_EQ(pr.MaybeDecrTo(c.rejected, c.hint), c.want_ok) << "case " << i;
    EXPECT_EQ(pr.next, c.want_next) << "case " << i;
  }
}

TEST(ProgressTest, ProbeSendsOneAppendPerInterval) {
  Progress pr(5, 10, 0);
  EXPECT_FALSE(pr.IsPaused());
  pr.SentEntries(7, 100);
  EXPECT_TRUE(pr.IsPaused());
  EXPECT_TRUE(pr.MaybeUpdate(7));  // an acknowledgement unpauses
  EXPECT_FALSE(pr.IsPaused());
}

TEST(ProgressTest, InflightsBoundReplication) {
  Progress pr(1, 3, 0);
  pr.BecomeReplicate();
  pr.SentEntries(1, 10);
  pr.SentEntries(2, 10);
  EXPECT_FALSE(pr.IsPaused());
  pr.SentEntries(3, 10);
  EXPECT_TRUE(pr.IsPaused());
  EXPECT_EQ(pr.next, 4u);
  pr.inflights.FreeLE(2);
  EXPECT_FALSE(pr.IsPaused());
  EXPECT_EQ(pr.inflights.Count(), 1u);
}

TEST(ProgressTest, InflightsByteLimit) {
  Inflights in(100, 50);
  in.Add(1, 30);
  EXPECT_FALSE(in.Full());
  in.Add(2, 30);
  EXPECT_TRUE(in.Full());
  in.FreeLE(1);
  EXPECT_FALSE(in.Full());
}

TEST(QuorumTest, QuorumValueTable) {
  struct Case {
    std::map<uint64_t, uint64_t> match;
    uint64_t want;
  };
  const std::vector<Case> cases = {
      {{{1, 5}}, 5},
      {{{1, 5}, {2, 3}, {3, 1}}, 3},
      {{{1, 5}, {2, 5}, {3, 1}, {4, 1}}, 1},  // 4 voters need 3
      {{{1, 9}, {2, 8}, {3, 7}, {4, 6}, {5, 5}}, 7},
      {{}, 0},
  };
  for (const auto& c : cases) {
    std::set<uint64_t> voters;
    for (const auto& [id, m] : c.match) voters.insert(id);
    EXPECT_EQ(QuorumValue(voters, [&](uint64_t id) { return c.match.at(id); }), c.want);
  }
}

TEST(QuorumTest, TallyTable) {
  EXPECT_EQ(TallyVotes(3, 2, 0), VoteResult::kWon);
  EXPECT_EQ(TallyVotes(3, 1, 1), VoteResult::kPending);
  EXPECT_EQ(TallyVotes(3, 1, 2), VoteResult::kLost);
  EXPECT_EQ(TallyVotes(4, 2, 2), VoteResult::kLost);
  EXPECT_EQ(TallyVotes(4, 2, 1), VoteResult::kPending);
  EXPECT_EQ(TallyVotes(1, 1, 0), VoteResult::kWon);
}

TEST(ReadOnlyQueueTest, LaterAckReleasesEarlierRounds) {
  ReadOnlyQueue q;
  std::set<uint64_t> voters{1, 2, 3};
  const uint64_t r1 = q.Add(10, "a", 1);
  const uint64_t r2 = q.Add(11, "b", 1);
  EXPECT_TRUE(q.Release(voters, 1).empty());  // only self so far
  q.RecordAck(2, r2);
  auto released = q.Release(voters, 1);
  ASSERT_EQ(released.size(), 2u);
  EXPECT_EQ(released[0].context, "a");
  EXPECT_EQ(released[1].index, 11u);
  EXPECT_LT(r1, r2);
  EXPECT_TRUE(q.empty());
}

TEST(ReadOnlyQueueTest, AckForUnknownRoundIsIgnored) {
  ReadOnlyQueue q;
  q.Add(1, "a", 1);
  q.RecordAck(2, 99);  // never issued
  EXPECT_TRUE(q.Release({1, 2, 3}, 1).empty());
}

}  // namespace
}  // namespace coord::raft
