// RaftLog rules: appends with conflicts, the up-to-date check, fast-backtracking hints, and
// slicing across the stable/unstable boundary.
#include "raft/raft_log.h"

#include <gtest/gtest.h>

#include "raft/memory_storage.h"

namespace coord::raft {
namespace {

pb::Entry E(uint64_t index, uint64_t term, std::string data = "") {
  pb::Entry e;
  e.set_index(index);
  e.set_term(term);
  e.set_data(std::move(data));
  return e;
}

// A storage holding entries 1..n with the given terms.
std::unique_ptr<MemoryStorage> StorageWithTerms(const std::vector<uint64_t>& terms) {
  auto s = std::make_unique<MemoryStorage>();
  std::vector<pb::Entry> entries;
  for (size_t i = 0; i < terms.size(); ++i) entries.push_back(E(i + 1, terms[i]));
  EXPECT_TRUE(s->Append(entries).ok());
  return s;
}

google::protobuf::RepeatedPtrField<pb::Entry> Field(std::vector<pb::Entry> v) {
  google::protobuf::RepeatedPtrField<pb::Entry> f;
  for (auto& e : v) *f.Add() = std::move(e);
  return f;
}

TEST(RaftLogTest, MaybeAppendTable) {
  struct Case {
    uint64_t index, log_term, commit;
    std::vector<pb::Entry> entries;
    std::optional<uint64_t> want_last;
    uint64_t want_commit;
    std::vector<uint64_t> want_terms;  // resulting log terms from index 1
  };
  // Base log: terms 1 1 2 (indexes 1..3), nothing committed.
  const std::vector<Case> cases = {
      {3, 2, 3, {}, 3, 3, {1, 1, 2}},                          // heartbeat-like, matches
      {3, 3, 3, {}, std::nullopt, 0, {1, 1, 2}},               // term mismatch at 3
      {4, 2, 3, {}, std::nullopt, 0, {1, 1, 2}},               // beyond our log
      {3, 2, 4, {E(4, 2)}, 4, 4, {1, 1, 2, 2}},                // extends
      {3, 2, 2, {E(4, 2)}, 4, 2, {1, 1, 2, 2}},                // commit bounded by leader's
      {2, 1, 3, {E(3, 3), E(4, 3)}, 4, 3, {1, 1, 3, 3}},       // conflict at 3 truncates
      {1, 1, 2, {E(2, 1)}, 2, 2, {1, 1, 2}},                   // already present: no truncation
      {0, 0, 1, {E(1, 1), E(2, 1), E(3, 2)}, 3, 1, {1, 1, 2}}, // whole log, identical
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    const Case& c = cases[i];
    auto storage = StorageWithTerms({1, 1, 2});
    RaftLog log(storage.get(), 1 << 20);
    auto last = log.MaybeAppend(c.index, c.log_term, c.commit, Field(c.entries));
    EXPECT_EQ(last, c.want_last);
    EXPECT_EQ(log.committed(), c.want_commit);
    ASSERT_EQ(log.LastIndex(), c.want_terms.size());
    for (size_t k = 0; k < c.want_terms.size(); ++k) {
      EXPECT_EQ(log.TermOrZero(k + 1), c.want_terms[k]) << "index " << k + 1;
    }
  }
}

TEST(RaftLogTest, IsUpToDateTable) {
  auto storage = StorageWithTerms({1, 2, 3});
  RaftLog log(storage.get(), 1 << 20);
  struct Case {
    uint64_t last_index, last_term;
    bool want;
  };
  const std::vector<Case> cases = {
      {3, 3, true},  {4, 3, true}, {2, 3, false},  // same last term: longer or equal wins
      {1, 4, true},                                // higher last term wins even if shorter
      {5, 2, false},                               // lower last term loses even if longer
  };
  for (const auto& c : cases) {
    EXPECT_EQ(log.IsUpToDate(c.last_index, c.last_term), c.want)
        << c.last_index << "/" << c.last_term;
  }
}

TEST(RaftLogTest, FindConflictByTermTable) {
  // Terms at indexes 1..7: 1 1 2 2 4 4 5.
  auto storage = StorageWithTerms({1, 1, 2, 2, 4, 4, 5});
  RaftLog log(storage.get(), 1 << 20);
  struct Case {
    uint64_t index, term;
    uint64_t want_index, want_term;
  };
  const std::vector<Case> cases = {
      {7, 5, 7, 5}, {7, 4, 6, 4}, {7, 3, 4, 2}, {6, 3, 4, 2},
      {9, 3, 4, 2},  // clamped to the last index first
      {4, 1, 2, 1}, {2, 0, 0, 0},
  };
  for (const auto& c : cases) {
    auto [index, term] = log.FindConflictByTerm(c.index, c.term);
    EXPECT_EQ(index, c.want_index) << c.index << "/" << c.term;
    EXPECT_EQ(term, c.want_term) << c.index << "/" << c.term;
  }
}

TEST(RaftLogTest, SliceSpansStableAndUnstable) {
  auto storage = StorageWithTerms({1, 1, 1});
  RaftLog log(storage.get(), 1 << 20);
  log.Append({E(4, 2, "x"), E(5, 2, "y")});
  auto all = log.Slice(1, 6, 1 << 20);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[4].data(), "y");
  // A tiny size limit still returns one entry.
  auto one = log.Slice(2, 6, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);
  EXPECT_EQ(log.Slice(0, 2, 100).status().code(), Status::Code::kCompacted);
  EXPECT_EQ(log.Slice(1, 7, 100).status().code(), Status::Code::kUnavailable);
}

TEST(RaftLogTest, StableToOnlyMatchingTerm) {
  auto storage = StorageWithTerms({1});
  RaftLog log(storage.get(), 1 << 20);
  log.Append({E(2, 1), E(3, 1)});
  EXPECT_EQ(log.LastStableIndex(), 1u);
  log.StableTo(2, 9);  // wrong term: the entry was replaced meanwhile
  EXPECT_EQ(log.LastStableIndex(), 1u);
  log.StableTo(2, 1);
  EXPECT_EQ(log.LastStableIndex(), 2u);
  EXPECT_EQ(log.UnstableEntries().size(), 1u);
}

TEST(RaftLogTest, RestoreReplacesLog) {
  auto storage = StorageWithTerms({1, 1});
  RaftLog log(storage.get(), 1 << 20);
  pb::Snapshot snap;
  snap.mutable_metadata()->set_index(10);
  snap.mutable_metadata()->set_term(3);
  log.Restore(snap);
  EXPECT_EQ(log.FirstIndex(), 11u);
  EXPECT_EQ(log.LastIndex(), 10u);
  EXPECT_EQ(log.committed(), 10u);
  EXPECT_EQ(log.TermOrZero(10), 3u);
  EXPECT_EQ(log.Term(5).status().code(), Status::Code::kCompacted);
  EXPECT_FALSE(log.HasNextCommittedEntries());  // the snapshot covers them
}

TEST(RaftLogTest, CommittedEntriesRespectSizeLimit) {
  auto storage = StorageWithTerms({1, 1, 1, 1});
  RaftLog log(storage.get(), /*max_committed_size_per_ready=*/1);
  log.CommitTo(4);
  auto first = log.NextCommittedEntries();
  ASSERT_EQ(first.size(), 1u);
  log.AppliedTo(first.back().index());
  EXPECT_TRUE(log.HasNextCommittedEntries());
  EXPECT_EQ(log.NextCommittedEntries().front().index(), 2u);
}

}  // namespace
}  // namespace coord::raft
