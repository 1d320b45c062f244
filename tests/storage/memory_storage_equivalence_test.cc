// LeveldbStorage answers every read exactly as MemoryStorage, the reference, does.
//
// A seeded random history of Raft-like writes -- appends that overwrite a suffix, hard
// states, snapshots from a leader (with entries after them), snapshots the application
// takes, compactions, invalid requests, restarts -- is applied to both, and every Storage
// read is compared after every step (SameStorage). Histories respect what Raft guarantees
// (committed entries and entries covered by a snapshot never change, terms never decrease),
// because LeveldbStorage refuses, by design, a few writes that would break those and that
// MemoryStorage accepts (leveldb_storage.h lists them); those refusals are tested in
// leveldb_storage_test.cc. A failure prints the seed and the step.
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "raft/memory_storage.h"
#include "raft/storage/leveldb_storage.h"
#include "tests/storage/fault_injection_env.h"
#include "tests/storage/storage_equality.h"
#include "tests/storage/test_util.h"

namespace coord::raft {
namespace {

class EquivalenceRun {
 public:
  EquivalenceRun(uint64_t seed, const pb::ConfState& initial)
      : rng_(seed), model_(initial), initial_(initial) {
    storage_ = MustOpen(Options());
  }

  bool opened() const { return storage_ != nullptr; }
  const MemoryStorage& model() const { return model_; }
  const LeveldbStorage& storage() const { return *storage_; }

  // Applies one random operation to both; returns its description for failure messages.
  std::string Step() {
    const uint64_t pick = Uniform(0, 99);
    if (pick < 40) return Append();
    if (pick < 55) return HardStateOnly();
    if (pick < 65) return InstallSnapshot();
    if (pick < 77) return CreateSnapshot();
    if (pick < 89) return Compact();
    if (pick < 94) return AppendAllCompacted();
    return Reopen();
  }

 private:
  LeveldbStorageOptions Options() {
    // No real fsyncs (the fault-injection Env models them), to run many steps quickly.
    return TestOptions(dir_.path(), &env_, initial_);
  }

  uint64_t Uniform(uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng_);
  }
  std::string RandomData() {
    std::string data(Uniform(0, 120), '\0');
    for (char& c : data) c = static_cast<char>(rng_());
    return data;
  }
  pb::ConfState RandomConf() {
    pb::ConfState conf;
    for (uint64_t id = 1; id <= 5; ++id) {
      if (Uniform(0, 1)) conf.add_voters(id);
    }
    if (Uniform(0, 3) == 0) conf.add_learners(6);
    return conf;
  }

  uint64_t Commit() const { return model_.GetInitialState()->hard_state.commit(); }
  uint64_t SnapshotIndex() const { return model_.GetSnapshot()->metadata().index(); }
  // Entries up to here never change: committed, or covered by the snapshot.
  uint64_t Stable() const { return std::max(Commit(), SnapshotIndex()); }
  uint64_t TermAt(uint64_t i) const { return model_.Term(i).value(); }

  // Compares the outcome of one write on both; on success both changed, on failure neither.
  std::string Compare(const std::string& what, const Status& expected, const Status& actual) {
    if (expected.code() != actual.code()) {
      ADD_FAILURE() << what << ": MemoryStorage says " << expected.ToString()
                    << ", LeveldbStorage says " << actual.ToString();
    }
    return what + " -> " + CodeName(actual.code());
  }

  // Persists on both, as the runtime would a Ready.
  std::string Persist(const std::string& what, const std::optional<pb::Snapshot>& snap,
                      const std::vector<pb::Entry>& entries, const std::optional<pb::HardState>& hs) {
    Status expected;
    if (snap) expected = model_.ApplySnapshot(*snap);
    if (expected.ok()) expected = model_.Append(entries);
    if (expected.ok() && hs) model_.SetHardState(*hs);
    return Compare(what, expected, storage_->Persist(snap, entries, hs));
  }

  std::optional<pb::HardState> MaybeHardState(uint64_t max_commit) {
    if (Uniform(0, 1) == 0) return std::nullopt;
    if (Uniform(0, 3) == 0) ++term_;
    return MakeHardState(term_, Uniform(0, 3), Uniform(Commit(), max_commit));
  }

  std::string Append() {
    const uint64_t first = model_.FirstIndex(), last = model_.LastIndex(), stable = Stable();
    uint64_t start = Uniform(std::max<uint64_t>(first, 3) - 2, last + 1);
    if (Uniform(0, 19) == 0) start = last + 2;  // a gap: refused by both
    uint64_t count = Uniform(1, 8);
    // Raft resends stable entries unchanged and never truncates below them.
    if (start <= stable) count = std::max(count, stable - start + 1);
    const bool overwrites = start + count - 1 > stable && start <= last;
    if (overwrites || Uniform(0, 3) == 0) ++term_;
    std::vector<pb::Entry> entries;
    for (uint64_t i = start; i < start + count; ++i) {
      if (i < first) {
        entries.push_back(MakeEntry(i, 0));  // compacted: skipped by both
      } else if (i <= stable && i <= last) {
        entries.push_back(model_.Entries(i, i + 1, UINT64_MAX)->front());
      } else {
        entries.push_back(MakeEntry(i, term_, Uniform(0, 64)));
      }
    }
    const uint64_t new_last = start <= last + 1 ? start + count - 1 : last;
    return Persist("append [" + std::to_string(start) + ", " + std::to_string(start + count) + ")",
                   std::nullopt, entries, MaybeHardState(std::max(new_last, Commit())));
  }

  std::string AppendAllCompacted() {
    const uint64_t first = model_.FirstIndex();
    if (first < 3) return "append below the log: skipped (log starts at 1)";
    return Persist("append below the log", std::nullopt, MakeEntries(1, first - 2, 0), std::nullopt);
  }

  std::string HardStateOnly() {
    if (Uniform(0, 1) == 0) ++term_;
    return Persist("hard state", std::nullopt, {},
                   MakeHardState(term_, Uniform(0, 3), Uniform(Commit(), model_.LastIndex())));
  }

  std::string InstallSnapshot() {
    const uint64_t last = model_.LastIndex();
    uint64_t index = Uniform(Stable() + 1, last + 5);
    // An older snapshot, refused by both. (At index 0 only we refuse it: see the file comment.)
    if (SnapshotIndex() > 0 && Uniform(0, 9) == 0) index = SnapshotIndex() - 1;
    const uint64_t term = index <= last && index >= model_.FirstIndex() - 1 ? TermAt(index) : term_;
    std::vector<pb::Entry> after;
    if (Uniform(0, 1)) {
      term_ = std::max(term_, term);
      after = MakeEntries(index + 1, Uniform(1, 4), term_);
    }
    std::optional<pb::HardState> hs;
    if (Uniform(0, 3) != 0) hs = MakeHardState(term_, Uniform(0, 3), index);
    // Without a new hard state, the old commit must still be within the new log.
    if (!hs && Commit() > index + after.size()) hs = MakeHardState(term_, 0, index);
    return Persist("install snapshot at " + std::to_string(index),
                   MakeSnapshot(index, term, RandomConf(), RandomData()), after, hs);
  }

  std::string CreateSnapshot() {
    const uint64_t index = Uniform(SnapshotIndex(), model_.LastIndex() + 1);  // ends refused
    const pb::ConfState conf = RandomConf();
    const std::string data = RandomData();
    const Status expected = model_.CreateSnapshot(index, conf, data).status();
    const Status actual = storage_->CreateSnapshot(index, conf, data).status();
    return Compare("create snapshot at " + std::to_string(index), expected, actual);
  }

  std::string Compact() {
    const uint64_t first = model_.FirstIndex();
    const uint64_t index = Uniform(std::max<uint64_t>(first, 2) - 2, SnapshotIndex() + 2);
    return Compare("compact to " + std::to_string(index), model_.Compact(index),
                   storage_->Compact(index));
  }

  std::string Reopen() {
    storage_.reset();
    storage_ = MustOpen(Options());
    return "reopen";
  }

  std::mt19937_64 rng_;
  TempDir dir_;
  FaultInjectionEnv env_;
  MemoryStorage model_;
  const pb::ConfState initial_;
  std::unique_ptr<LeveldbStorage> storage_;
  uint64_t term_ = 1;
};

void RunSeeds(const pb::ConfState& initial, uint64_t first_seed, int seeds, int steps) {
  for (uint64_t seed = first_seed; seed < first_seed + seeds; ++seed) {
    EquivalenceRun run(seed, initial);
    ASSERT_TRUE(run.opened());
    ASSERT_TRUE(SameStorage(run.model(), run.storage())) << "seed " << seed << " at open";
    std::string history;
    for (int step = 0; step < steps; ++step) {
      const std::string op = run.Step();
      history += "  " + std::to_string(step) + ": " + op + "\n";
      ASSERT_FALSE(::testing::Test::HasFailure()) << "seed " << seed << ", history:\n" << history;
      ASSERT_TRUE(run.opened()) << "seed " << seed << ", history:\n" << history;
      ASSERT_TRUE(SameStorage(run.model(), run.storage()))
          << "seed " << seed << ", history:\n" << history;
    }
  }
}

TEST(MemoryStorageEquivalence, RandomHistoriesFromAnEmptyLog) { RunSeeds({}, 1, 12, 150); }

TEST(MemoryStorageEquivalence, RandomHistoriesFromABootstrappedLog) {
  RunSeeds(MakeConf({1, 2, 3}, {4}), 1001, 12, 150);
}

}  // namespace
}  // namespace coord::raft
