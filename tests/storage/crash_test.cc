// Crash safety: after a simulated crash anywhere in a history of writes, the directory
// reopens, every write that returned OK is there in full, and the write the crash
// interrupted is there entirely or not at all -- never a partial batch.
//
// A history is generated against MemoryStorage, which gives the expected state after each
// write. For each crash point, a fresh directory replays the history through
// FaultInjectionEnv until the Env "goes down" (CrashAfter); the directory is then cut back to
// what a crash would leave (DropUnsyncedData, sometimes keeping a random prefix of unsynced
// data), sometimes crashed again while recovering, and reopened. A failure prints the seed
// and the crash point.
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

// One write of a history, as the runtime would make it.
struct Op {
  enum class Kind { kPersist, kCreateSnapshot, kCompact };
  Kind kind = Kind::kPersist;
  std::optional<pb::Snapshot> snapshot;  // kPersist
  std::vector<pb::Entry> entries;        // kPersist
  std::optional<pb::HardState> hard_state;
  uint64_t index = 0;      // kCreateSnapshot, kCompact
  pb::ConfState conf;      // kCreateSnapshot
  std::string data;        // kCreateSnapshot
};

Status Apply(const Op& op, LeveldbStorage* storage) {
  switch (op.kind) {
    case Op::Kind::kPersist: return storage->Persist(op.snapshot, op.entries, op.hard_state);
    case Op::Kind::kCreateSnapshot: return storage->CreateSnapshot(op.index, op.conf, op.data).status();
    case Op::Kind::kCompact: return storage->Compact(op.index);
  }
  return Status::InvalidArgument("unknown op");
}

Status Apply(const Op& op, MemoryStorage* model) {
  switch (op.kind) {
    case Op::Kind::kPersist: {
      Status s;
      if (op.snapshot) s = model->ApplySnapshot(*op.snapshot);
      if (s.ok()) s = model->Append(op.entries);
      if (s.ok() && op.hard_state) model->SetHardState(*op.hard_state);
      return s;
    }
    case Op::Kind::kCreateSnapshot: return model->CreateSnapshot(op.index, op.conf, op.data).status();
    case Op::Kind::kCompact: return model->Compact(op.index);
  }
  return Status::InvalidArgument("unknown op");
}

// A valid Raft-like history and the expected state after each of its writes.
struct History {
  pb::ConfState initial;
  std::vector<Op> ops;
  std::vector<MemoryStorage> states;  // states[k]: after the first k ops
};

History MakeHistory(uint64_t seed, int length, size_t entry_bytes) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
  };
  History h;
  h.initial = MakeConf({1, 2, 3});
  MemoryStorage model(h.initial);
  h.states.push_back(model);
  uint64_t term = 1;
  while (static_cast<int>(h.ops.size()) < length) {
    const uint64_t commit = model.GetInitialState()->hard_state.commit();
    const uint64_t snap = model.GetSnapshot()->metadata().index();
    const uint64_t compacted = model.FirstIndex() - 1;
    const uint64_t last = model.LastIndex();
    const uint64_t stable = std::max(commit, snap);
    Op op;
    const uint64_t pick = uniform(0, 99);
    if (pick < 70) {
      // Append after the log, or overwrite an uncommitted suffix in a new term.
      uint64_t start = last + 1;
      if (uniform(0, 4) == 0 && last > stable) start = uniform(stable + 1, last);
      if (start <= last) ++term;
      op.entries = MakeEntries(start, uniform(1, 8), term, entry_bytes);
      if (uniform(0, 1)) op.hard_state = MakeHardState(term, 1, uniform(commit, op.entries.back().index()));
      if (!op.hard_state && commit > op.entries.back().index()) continue;
    } else if (pick < 76) {
      const uint64_t index = uniform(stable + 1, last + 3);
      const uint64_t snap_term = index <= last ? model.Term(index).value() : term;
      term = std::max(term, snap_term);
      std::string data(uniform(0, 5000), '\0');
      for (char& c : data) c = static_cast<char>(rng());
      op.snapshot = MakeSnapshot(index, snap_term, MakeConf({1, 2, 3}), std::move(data));
      if (uniform(0, 1)) op.entries = MakeEntries(index + 1, uniform(1, 4), term, entry_bytes);
      op.hard_state = MakeHardState(term, 0, index);
    } else if (pick < 88) {
      if (commit <= snap) continue;
      op.kind = Op::Kind::kCreateSnapshot;
      op.index = uniform(snap + 1, commit);  // the application snapshots what it applied
      op.conf = MakeConf({1, 2, 3});
      op.data = "state@" + std::to_string(op.index) + std::string(uniform(0, 3000), 's');
    } else {
      if (snap <= compacted) continue;
      op.kind = Op::Kind::kCompact;
      op.index = uniform(compacted + 1, snap);
    }
    const Status s = Apply(op, &model);
    EXPECT_TRUE(s.ok()) << "generator made an invalid op: " << s.ToString();
    h.ops.push_back(std::move(op));
    h.states.push_back(model);
  }
  return h;
}

struct CrashTestConfig {
  uint64_t seed;
  int history_length;
  size_t entry_bytes;
  size_t write_buffer_size;  // small values make leveldb switch log files and flush tables
  int max_trials;            // crash points tried (all of them if there are fewer)
};

LeveldbStorageOptions CrashOptions(const std::string& dir, FaultInjectionEnv* env,
                                   const CrashTestConfig& config, const pb::ConfState& initial) {
  LeveldbStorageOptions options = TestOptions(dir, env, initial);
  options.write_buffer_size = config.write_buffer_size;
  return options;
}

// Mutating file operations the whole history takes when nothing fails.
uint64_t CountOps(const History& h, const CrashTestConfig& config) {
  TempDir dir;
  FaultInjectionEnv env;
  auto storage = MustOpen(CrashOptions(dir.path(), &env, config, h.initial));
  if (storage == nullptr) return 0;
  const uint64_t before = env.mutating_ops();
  for (const Op& op : h.ops) EXPECT_TRUE(Apply(op, storage.get()).ok());
  EXPECT_TRUE(SameStorage(h.states.back(), *storage));
  return env.mutating_ops() - before;
}

void RunCrashTrials(const CrashTestConfig& config) {
  const History h = MakeHistory(config.seed, config.history_length, config.entry_bytes);
  const uint64_t total = CountOps(h, config);
  ASSERT_GT(total, 0u);
  std::mt19937_64 rng(config.seed);
  std::vector<uint64_t> points;
  if (total + 1 <= static_cast<uint64_t>(config.max_trials)) {
    for (uint64_t p = 0; p <= total; ++p) points.push_back(p);
  } else {
    for (int t = 0; t < config.max_trials; ++t) {
      points.push_back(std::uniform_int_distribution<uint64_t>(0, total)(rng));
    }
  }

  int interrupted = 0;
  for (size_t trial = 0; trial < points.size(); ++trial) {
    const uint64_t crash_at = points[trial];
    SCOPED_TRACE("seed " + std::to_string(config.seed) + ", crash after " + std::to_string(crash_at) +
                 " of " + std::to_string(total) + " file operations (trial " + std::to_string(trial) + ")");
    TempDir dir;
    FaultInjectionEnv env;
    const LeveldbStorageOptions options = CrashOptions(dir.path(), &env, config, h.initial);
    auto storage = MustOpen(options);
    ASSERT_NE(storage, nullptr);

    env.CrashAfter(crash_at);
    size_t ok_ops = 0;
    bool failed = false;
    for (const Op& op : h.ops) {
      if (!Apply(op, storage.get()).ok()) {
        failed = true;
        break;
      }
      ++ok_ops;
    }
    interrupted += failed;
    storage.reset();
    // Odd trials keep a random prefix of unsynced data, as a real crash may.
    ASSERT_TRUE(env.DropUnsyncedData(trial % 2 ? &rng : nullptr).ok());

    // Every third trial crashes again during recovery, which writes too.
    if (trial % 3 == 0) {
      env.CrashAfter(std::uniform_int_distribution<uint64_t>(0, 12)(rng));
      LeveldbStorage::Open(options);  // may fail or succeed; either way, crash again
      ASSERT_TRUE(env.DropUnsyncedData(&rng).ok());
    }

    LeveldbStorageOptions reopen = options;
    reopen.create_if_missing = false;  // the directory was complete before the first crash
    Result<std::unique_ptr<LeveldbStorage>> recovered = LeveldbStorage::Open(reopen);
    ASSERT_TRUE(recovered.ok()) << recovered.status().ToString();
    LeveldbStorage& r = *recovered.value();

    // All OK writes, plus the interrupted one in full or not at all.
    const ::testing::AssertionResult without = SameStorage(h.states[ok_ops], r);
    if (!without) {
      ASSERT_TRUE(failed) << "a write that returned OK is missing:\n" << without.message();
      const ::testing::AssertionResult with = SameStorage(h.states[ok_ops + 1], r);
      ASSERT_TRUE(with) << "neither before nor after the interrupted write " << ok_ops
                        << ".\nCompared with the state before it:\n"
                        << without.message() << "\nCompared with the state after it:\n"
                        << with.message();
    }

    // The recovered directory is healthy: it takes a write and returns it after a restart.
    const uint64_t next = r.LastIndex() + 1;
    const uint64_t term = r.Term(r.LastIndex()).value() + 1;
    ASSERT_TRUE(r.Persist(std::nullopt, {MakeEntry(next, term)}, std::nullopt).ok());
    recovered.value().reset();
    auto again = MustOpen(reopen);
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(again->LastIndex(), next);
    EXPECT_EQ(again->Term(next).value(), term);
  }
  // The crash points must actually have interrupted the history, not just followed it.
  EXPECT_GT(interrupted, static_cast<int>(points.size()) / 2);
}

TEST(Crash, AnyPointOfAHistoryLosesNothingSyncedAndNoBatchHalfway) {
  RunCrashTrials({.seed = 1, .history_length = 40, .entry_bytes = 100,
                  .write_buffer_size = 4 << 20, .max_trials = 400});
}

TEST(Crash, AnotherHistory) {
  RunCrashTrials({.seed = 2, .history_length = 40, .entry_bytes = 100,
                  .write_buffer_size = 4 << 20, .max_trials = 400});
}

// With a 64 KB memtable leveldb starts a new log file and flushes a table every ~60 writes
// here, and compacts tables in its background thread: the crash points include those
// switches, where leveldb alone would lose synced writes (see dir_syncing_env.h). Background
// work makes the exact crash point vary between runs of one seed; the checks do not.
TEST(Crash, CrashesAcrossLogFileSwitchesAndTableFlushes) {
  RunCrashTrials({.seed = 3, .history_length = 150, .entry_bytes = 1000,
                  .write_buffer_size = 64 << 10, .max_trials = 150});
}

// A crash while the directory is being created leaves either no directory contents, an
// empty database, or the complete initial state: each opens again (creating what is
// missing) as a fresh node.
TEST(Crash, CreationInterruptedAnywhereStillOpensAsFresh) {
  const pb::ConfState conf = MakeConf({1, 2, 3});
  uint64_t total = 0;
  {
    TempDir dir;
    FaultInjectionEnv env;
    ASSERT_NE(MustOpen(TestOptions(dir.Sub("data"), &env, conf)), nullptr);
    total = env.mutating_ops();
  }
  std::mt19937_64 rng(4);
  for (uint64_t crash_at = 0; crash_at <= total; ++crash_at) {
    SCOPED_TRACE("crash after " + std::to_string(crash_at) + " of " + std::to_string(total));
    TempDir dir;
    FaultInjectionEnv env;
    env.CrashAfter(crash_at);
    const LeveldbStorageOptions options = TestOptions(dir.Sub("data"), &env, conf);
    LeveldbStorage::Open(options);  // fails somewhere along the way
    ASSERT_TRUE(env.DropUnsyncedData(crash_at % 2 ? &rng : nullptr).ok());
    auto storage = MustOpen(options);
    ASSERT_NE(storage, nullptr);
    EXPECT_TRUE(SameStorage(MemoryStorage(conf), *storage));
  }
}

}  // namespace
}  // namespace coord::raft
