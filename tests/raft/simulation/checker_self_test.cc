// Self-tests of the simulation's checks: each feeds a SafetyChecker or OutcomeTracker a small
// hand-made history that breaks one invariant and expects that invariant to be reported (and
// a consistent history not to be). The nodes are real SimNodes around real RawNodes; only
// the histories are made up. Without these, a check that can never fire would look the same
// as a core that never breaks it.
#include <gtest/gtest.h>

#include <memory>

#include "tests/raft/simulation/digest.h"
#include "tests/raft/simulation/invariants.h"
#include "tests/raft/simulation/outcome_tracker.h"
#include "tests/raft/simulation/sim_node.h"

namespace coord::raft::sim {
namespace {

class CheckerSelfTest : public ::testing::Test {
 protected:
  CheckerSelfTest()
      : trace_(50), verdict_(&trace_), checker_(&verdict_), setup_verdict_(&trace_),
        setup_checker_(&setup_verdict_) {}

  std::string Fired() const { return verdict_.failed() ? verdict_.violation()->invariant : ""; }

  // A started node of a one-voter cluster {id}, its bootstrap Ready processed.
  std::unique_ptr<SimNode> SoloNode(uint64_t id) {
    pb::ConfState cs;
    cs.add_voters(id);
    auto n = std::make_unique<SimNode>(id, cs, NodeOptions{});
    EXPECT_TRUE(n->Start(id).ok());
    Drain(*n);
    return n;
  }
  // Processes the node's Readies. Setup goes through a scratch checker: the one-voter
  // clusters used here are separate clusters, so their histories legitimately differ.
  void Drain(SimNode& n) {
    while (n.HasReady()) {
      ReadyResult r = n.HandleReady(CrashPlan{});
      ASSERT_FALSE(r.failure.has_value()) << r.failure->detail;
      setup_checker_.OnReady(n, r);
    }
  }
  static AppliedEntry Applied(uint64_t index, uint64_t term, std::string data, uint64_t rolling) {
    AppliedEntry e;
    e.index = index;
    e.term = term;
    e.data = std::move(data);
    e.digest = EntryDigest(index, term, pb::ENTRY_NORMAL, e.data);
    e.rolling = rolling;
    return e;
  }
  static pb::Message Append(uint64_t from, uint64_t prev_index, uint64_t prev_term,
                            uint64_t term, std::string data) {
    pb::Message m;
    m.set_type(pb::MSG_APPEND);
    m.set_from(from);
    m.set_to(9);
    m.set_term(term);
    m.set_index(prev_index);
    m.set_log_term(prev_term);
    pb::Entry* e = m.add_entries();
    e->set_index(prev_index + 1);
    e->set_term(term);
    e->set_data(std::move(data));
    return m;
  }

  Trace trace_;
  Verdict verdict_;
  SafetyChecker checker_;
  Verdict setup_verdict_;
  SafetyChecker setup_checker_;
};

TEST_F(CheckerSelfTest, DoubleVoteInOneTermIsReported) {
  pb::Message vote;
  vote.set_type(pb::MSG_VOTE_RESP);
  vote.set_from(1);
  vote.set_term(5);
  vote.set_to(2);
  checker_.OnSend(vote);
  checker_.OnSend(vote);  // the same grant again (a duplicate) is fine
  EXPECT_EQ(Fired(), "");
  vote.set_to(3);
  checker_.OnSend(vote);
  EXPECT_EQ(Fired(), "vote-once-per-term");
}

TEST_F(CheckerSelfTest, DifferentEntriesWithOneIndexAndTermAreReported) {
  checker_.OnSend(Append(1, 4, 2, 3, "a"));
  checker_.OnSend(Append(1, 4, 2, 3, "a"));
  EXPECT_EQ(Fired(), "");
  checker_.OnSend(Append(2, 4, 2, 3, "b"));
  EXPECT_EQ(Fired(), "log-matching");
}

TEST_F(CheckerSelfTest, SameEntryAfterDifferentPredecessorsIsReported) {
  checker_.OnSend(Append(1, 4, 2, 3, "a"));
  checker_.OnSend(Append(2, 4, 1, 3, "a"));  // same (5, 3) entry, but after a term-1 entry
  EXPECT_EQ(Fired(), "log-matching");
}

TEST_F(CheckerSelfTest, DifferentEntriesAppliedAtOneIndexAreReported) {
  std::unique_ptr<SimNode> n = SoloNode(1);
  ReadyResult a;
  a.applied.push_back(Applied(7, 1, "x", 111));
  checker_.OnReady(*n, a);
  checker_.OnReady(*n, a);
  EXPECT_EQ(Fired(), "");
  ReadyResult b;
  b.applied.push_back(Applied(7, 1, "y", 222));
  checker_.OnReady(*n, b);
  EXPECT_EQ(Fired(), "state-machine-safety");
}

TEST_F(CheckerSelfTest, SnapshotWithADifferentHistoryIsReported) {
  std::unique_ptr<SimNode> n = SoloNode(1);
  ReadyResult a;
  a.applied.push_back(Applied(7, 1, "x", 111));
  checker_.OnReady(*n, a);
  ReadyResult b;
  b.installed_snapshot = std::make_pair(7, 999);  // same index, another applied history
  checker_.OnReady(*n, b);
  EXPECT_EQ(Fired(), "state-machine-safety");
}

TEST_F(CheckerSelfTest, OneCommandAppliedAtTwoIndexesIsReported) {
  std::unique_ptr<SimNode> n = SoloNode(1);
  ReadyResult a;
  a.applied.push_back(Applied(7, 1, "w1", 1));
  a.applied.push_back(Applied(8, 1, "w1", 2));
  checker_.OnReady(*n, a);
  EXPECT_EQ(Fired(), "no-duplicate-apply");
}

TEST_F(CheckerSelfTest, TwoLeadersInOneTermAreReported) {
  // Two one-voter clusters elect their only member in the same term: exactly what election
  // safety forbids within one cluster.
  NodeMap nodes;
  nodes[1] = SoloNode(1);
  nodes[2] = SoloNode(2);
  for (auto& [id, n] : nodes) {
    n->raw().Campaign();
    Drain(*n);
    ASSERT_EQ(n->raw().role(), Role::kLeader);
  }
  ASSERT_EQ(nodes[1]->raw().term(), nodes[2]->raw().term());
  checker_.AfterEvent(nodes);
  EXPECT_EQ(Fired(), "election-safety");
}

TEST_F(CheckerSelfTest, LeaderMissingACommittedEntryIsReported) {
  NodeMap nodes;
  nodes[1] = SoloNode(1);
  std::unique_ptr<SimNode> other = SoloNode(2);
  // Node 2 applied index 3 in term 1; node 1's log ends at index 1 (its bootstrap entry), so
  // when it becomes leader of term 2 it lacks an entry committed in an earlier term.
  ReadyResult a;
  a.applied.push_back(Applied(3, 1, "w", 5));
  checker_.OnReady(*other, a);
  nodes[1]->raw().Campaign();
  Drain(*nodes[1]);
  ASSERT_EQ(nodes[1]->raw().role(), Role::kLeader);
  checker_.AfterEvent(nodes);
  EXPECT_EQ(Fired(), "leader-completeness");
}

TEST_F(CheckerSelfTest, StoredLogsThatDivergeBeforeAMatchAreReported) {
  // Two one-voter clusters each elect themselves in term 2 and append the same command: the
  // logs agree at indexes 2 and 3 (same terms, same data) but differ at index 1 (each one's
  // own bootstrap entry), which log matching forbids within one cluster.
  NodeMap nodes;
  nodes[1] = SoloNode(1);
  nodes[2] = SoloNode(2);
  for (auto& [id, n] : nodes) {
    n->raw().Campaign();
    Drain(*n);
    ASSERT_TRUE(n->raw().Propose("same").ok());
    Drain(*n);
  }
  checker_.CheckStoredLogs(nodes);
  EXPECT_EQ(Fired(), "log-matching");
}

class OutcomeSelfTest : public CheckerSelfTest {
 protected:
  OutcomeSelfTest() : outcomes_(&verdict_, &trace_, &checker_) {}
  OutcomeTracker outcomes_;
};

TEST_F(OutcomeSelfTest, LostAcknowledgedWriteIsReported) {
  outcomes_.OnProposed(1, ProposalId{5, 2}, "w1");
  outcomes_.OnApplied(1, {Applied(5, 2, "w1", 1)});
  EXPECT_EQ(outcomes_.acked(), 1u);
  outcomes_.OnApplied(2, {Applied(5, 3, "other", 1)});
  EXPECT_EQ(Fired(), "acknowledged-write-lost");
}

TEST_F(OutcomeSelfTest, DroppedProposalThatTakesEffectIsReported) {
  outcomes_.OnProposed(1, ProposalId{5, 2}, "w1");
  outcomes_.OnApplied(1, {Applied(5, 3, "other", 1)});
  EXPECT_EQ(outcomes_.dropped(), 1u);
  EXPECT_EQ(Fired(), "");
  outcomes_.OnApplied(2, {Applied(6, 3, "w1", 2)});
  EXPECT_EQ(Fired(), "dropped-proposal-applied");
}

TEST_F(OutcomeSelfTest, StaleReadIndexIsReported) {
  outcomes_.OnProposed(1, ProposalId{5, 2}, "w1");
  outcomes_.OnApplied(1, {Applied(5, 2, "w1", 1)});
  outcomes_.OnReadIssued(2, "r1");
  outcomes_.OnReadState(2, ReadState{4, "r1"});
  EXPECT_EQ(Fired(), "read-index-linearizable");
}

TEST_F(OutcomeSelfTest, ReadServedFromAStaleStateIsReported) {
  outcomes_.OnProposed(1, ProposalId{5, 2}, "w1");
  outcomes_.OnApplied(1, {Applied(5, 2, "w1", 1)});
  outcomes_.OnReadIssued(2, "r1");
  outcomes_.OnReadState(2, ReadState{5, "r1"});
  EXPECT_EQ(Fired(), "");
  outcomes_.OnReadServed(2, ServedRead{"r1", 5, 4});
  EXPECT_EQ(Fired(), "linearizable-read");
}

TEST_F(OutcomeSelfTest, ReadIssuedBeforeTheAckNeedNotSeeTheWrite) {
  outcomes_.OnProposed(1, ProposalId{5, 2}, "w1");
  outcomes_.OnReadIssued(2, "r1");  // concurrent with the write: either answer is linearizable
  outcomes_.OnApplied(1, {Applied(5, 2, "w1", 1)});
  outcomes_.OnReadState(2, ReadState{4, "r1"});
  outcomes_.OnReadServed(2, ServedRead{"r1", 4, 4});
  EXPECT_EQ(Fired(), "");
  EXPECT_EQ(outcomes_.reads_served(), 1u);
}

}  // namespace
}  // namespace coord::raft::sim
