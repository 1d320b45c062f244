// Leader election: vote granting, pre-vote, check-quorum and leases.
#include <gtest/gtest.h>

#include "raft/memory_storage.h"
#include "raft/raw_node.h"
#include "tests/raft/test_network.h"

namespace coord::raft {
namespace {

using testing::TestNetwork;

pb::Entry E(uint64_t index, uint64_t term) {
  pb::Entry e;
  e.set_index(index);
  e.set_term(term);
  return e;
}

// A single voter-node (id 1 of {1,2,3}) whose log has the given terms and whose hard state
// has `term` and `vote`; returns its response to a vote request.
pb::Message VoteResponse(const std::vector<uint64_t>& log_terms, uint64_t term, uint64_t vote,
                         const pb::Message& request, bool pre_vote = false) {
  pb::ConfState cs;
  for (uint64_t v : {1, 2, 3}) cs.add_voters(v);
  auto owned = testing::StorageWithConf(cs);
  MemoryStorage& storage = *owned;
  std::vector<pb::Entry> entries;
  for (size_t i = 0; i < log_terms.size(); ++i) entries.push_back(E(i + 1, log_terms[i]));
  EXPECT_TRUE(storage.Append(entries).ok());
  pb::HardState hs;
  hs.set_term(term);
  hs.set_vote(vote);
  storage.SetHardState(hs);
  Config c;
  c.id = 1;
  c.storage = &storage;
  c.pre_vote = pre_vote;
  auto node = RawNode::Create(c);
  EXPECT_TRUE(node.ok());
  EXPECT_TRUE((*node)->Step(request).ok());
  Ready rd = (*node)->GetReady();
  std::vector<pb::Message> all = rd.messages;
  all.insert(all.end(), rd.messages_after_persist.begin(), rd.messages_after_persist.end());
  EXPECT_EQ(all.size(), 1u);
  return all.empty() ? pb::Message{} : all.front();
}

pb::Message VoteRequest(uint64_t from, uint64_t term, uint64_t last_index, uint64_t last_term,
                        pb::MessageType type = pb::MSG_VOTE) {
  pb::Message m;
  m.set_type(type);
  m.set_from(from);
  m.set_to(1);
  m.set_term(term);
  m.set_index(last_index);
  m.set_log_term(last_term);
  return m;
}

TEST(ElectionTest, VoteGrantingTable) {
  struct Case {
    std::vector<uint64_t> log;
    uint64_t term, vote;
    pb::Message request;
    bool want_grant;
  };
  const std::vector<Case> cases = {
      {{1, 1}, 1, 0, VoteRequest(2, 2, 2, 1), true},   // equal log, new term
      {{1, 1}, 1, 0, VoteRequest(2, 2, 1, 1), false},  // shorter log, same last term
      {{1, 1}, 1, 0, VoteRequest(2, 2, 1, 2), true},   // higher last term
      {{1, 2}, 2, 0, VoteRequest(2, 3, 5, 1), false},  // longer but older last term
      {{1}, 2, 3, VoteRequest(2, 2, 1, 1), false},     // already voted for 3 this term
      {{1}, 2, 2, VoteRequest(2, 2, 1, 1), true},      // repeat vote for the same candidate
      {{1}, 3, 0, VoteRequest(2, 2, 9, 9), false},     // stale term: no reply is a rejection
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    const Case& c = cases[i];
    if (i == cases.size() - 1) {
      // Stale-term vote requests are ignored entirely (no message at all).
      pb::ConfState cs;
      cs.add_voters(1);
      auto owned = testing::StorageWithConf(cs);
      MemoryStorage& storage = *owned;
      pb::HardState hs;
      hs.set_term(3);
      storage.SetHardState(hs);
      Config cfg;
      cfg.id = 1;
      cfg.storage = &storage;
      auto node = RawNode::Create(cfg);
      ASSERT_TRUE(node.ok());
      ASSERT_TRUE((*node)->Step(c.request).ok());
      EXPECT_TRUE((*node)->GetReady().messages_after_persist.empty());
      continue;
    }
    pb::Message resp = VoteResponse(c.log, c.term, c.vote, c.request);
    EXPECT_EQ(resp.type(), pb::MSG_VOTE_RESP);
    EXPECT_EQ(!resp.reject(), c.want_grant);
  }
}

TEST(ElectionTest, VoteResponsesWaitForPersistence) {
  pb::ConfState cs;
  for (uint64_t v : {1, 2, 3}) cs.add_voters(v);
  auto owned = testing::StorageWithConf(cs);
  MemoryStorage& storage = *owned;
  Config c;
  c.id = 1;
  c.storage = &storage;
  auto node = RawNode::Create(c);
  ASSERT_TRUE(node.ok());
  ASSERT_TRUE((*node)->Step(VoteRequest(2, 1, 0, 0)).ok());
  Ready rd = (*node)->GetReady();
  EXPECT_TRUE(rd.messages.empty());
  ASSERT_EQ(rd.messages_after_persist.size(), 1u);
  ASSERT_TRUE(rd.hard_state.has_value());
  EXPECT_EQ(rd.hard_state->vote(), 2u);
  EXPECT_TRUE(rd.MustSync());
}

TEST(ElectionTest, PreVoteDoesNotChangeTerm) {
  pb::Message resp = VoteResponse({1}, 1, 0, VoteRequest(2, 2, 1, 1, pb::MSG_PRE_VOTE), true);
  EXPECT_EQ(resp.type(), pb::MSG_PRE_VOTE_RESP);
  EXPECT_FALSE(resp.reject());
  EXPECT_EQ(resp.term(), 2u);  // answered in the candidate's future term
}

TEST(ElectionTest, SingleNodeElectsItselfOnTimeout) {
  TestNetwork net({1});
  net.Tick(1, 20);
  EXPECT_EQ(net.Leader(), 1u);
  EXPECT_EQ(net.node(1).term(), 2u);  // term 1 is the bootstrap's
  // The no-op of the new term is committed and applied.
  EXPECT_EQ(net.node(1).GetStatus().commit, net.node(1).GetStatus().last_index);
  EXPECT_EQ(net.state(1).applied.back().term(), 2u);
}

TEST(ElectionTest, ThreeNodesElectOneLeader) {
  TestNetwork net({1, 2, 3});
  EXPECT_EQ(net.Elect(1), 1u);
  for (uint64_t id : {2, 3}) {
    EXPECT_EQ(net.node(id).role(), Role::kFollower);
    EXPECT_EQ(net.node(id).leader(), 1u);
  }
}

TEST(ElectionTest, ElectionTimeoutIsRandomizedPerNode) {
  // Ticking every node in lockstep, the first to time out wins; different seeds give
  // different timeouts, so elections do not collide forever.
  TestNetwork net({1, 2, 3});
  for (int t = 0; t < 30 && net.Leader() == 0; ++t) {
    for (uint64_t id : {1, 2, 3}) net.Tick(id);
  }
  EXPECT_NE(net.Leader(), 0u);
}

TEST(ElectionTest, PartitionedNodeWithPreVoteDoesNotInflateTerm) {
  TestNetwork net({1, 2, 3}, [](Config& c) { c.pre_vote = true; c.check_quorum = true; });
  ASSERT_EQ(net.Elect(1), 1u);
  const uint64_t term = net.node(1).term();
  net.Isolate(3);
  net.Tick(3, 100);
  EXPECT_EQ(net.node(3).term(), term);  // pre-votes failed; term unchanged
  net.Heal();
  for (int i = 0; i < 3; ++i) net.Tick(1);
  EXPECT_EQ(net.Leader(), 1u);  // rejoining did not disrupt the leader
  EXPECT_EQ(net.node(1).term(), term);
}

TEST(ElectionTest, WithoutPreVoteARejoiningNodeDisruptsTheTerm) {
  // The control case for the test above: the behaviour pre-vote exists to prevent.
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  const uint64_t term = net.node(1).term();
  net.Isolate(3);
  net.Tick(3, 100);
  EXPECT_GT(net.node(3).term(), term);
}

TEST(ElectionTest, CheckQuorumLeaderStepsDownWhenIsolated) {
  TestNetwork net({1, 2, 3}, [](Config& c) { c.check_quorum = true; });
  ASSERT_EQ(net.Elect(1), 1u);
  net.Isolate(1);
  net.Tick(1, 25);
  EXPECT_EQ(net.node(1).role(), Role::kFollower);
}

TEST(ElectionTest, LeaseIgnoresVotesWhileLeaderIsHeard) {
  TestNetwork net({1, 2, 3}, [](Config& c) { c.check_quorum = true; });
  ASSERT_EQ(net.Elect(1), 1u);
  const uint64_t term = net.node(1).term();
  // Node 2 hears from the leader, so a vote request from 3 with a higher term is ignored.
  pb::Message req = VoteRequest(3, term + 5, 100, term);
  req.set_to(2);
  ASSERT_TRUE(net.node(2).Step(req).ok());
  EXPECT_EQ(net.node(2).term(), term);
  EXPECT_EQ(net.node(2).leader(), 1u);
}

TEST(ElectionTest, CandidateWithStaleLogCannotWin) {
  TestNetwork net({1, 2, 3});
  ASSERT_EQ(net.Elect(1), 1u);
  net.Isolate(3);
  ASSERT_TRUE(net.node(1).Propose("x").ok());
  net.Stabilize();
  net.Heal();
  net.state(3).node->Campaign();
  net.Stabilize();
  EXPECT_NE(net.node(3).role(), Role::kLeader);
}

}  // namespace
}  // namespace coord::raft
