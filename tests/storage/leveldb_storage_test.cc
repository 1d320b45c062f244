// LeveldbStorage: opening, writing, restart, snapshot files, counters.
#include "raft/storage/leveldb_storage.h"

#include <filesystem>
#include <fstream>
#include <vector>

#include <gtest/gtest.h>

#include "raft/memory_storage.h"
#include "tests/storage/fault_injection_env.h"
#include "tests/storage/storage_equality.h"
#include "tests/storage/test_util.h"

namespace coord::raft {
namespace {

using Code = Status::Code;

// ---- Opening ----

TEST(LeveldbStorageOpen, FreshDirectoryStartsWithTheBootstrapLogOfMemoryStorage) {
  TempDir tmp;
  const pb::ConfState conf = MakeConf({1, 2, 3}, {4});
  auto storage = MustOpen(TestOptions(tmp.Sub("data"), nullptr, conf));
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(storage->LastIndex(), 4u);
  EXPECT_EQ(storage->hard_state().commit(), 4u);
  EXPECT_TRUE(SameStorage(MemoryStorage(conf), *storage));
  storage.reset();
  auto reopened = MustOpen(TestOptions(tmp.Sub("data"), nullptr, MakeConf({9})));
  ASSERT_NE(reopened, nullptr);
  EXPECT_TRUE(SameStorage(MemoryStorage(conf), *reopened)) << "initial membership applies only at creation";
}

TEST(LeveldbStorageOpen, FreshDirectoryWithoutMembershipIsEmpty) {
  TempDir tmp;
  auto storage = MustOpen(TestOptions(tmp.Sub("data")));
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(storage->FirstIndex(), 1u);
  EXPECT_EQ(storage->LastIndex(), 0u);
  EXPECT_TRUE(SameStorage(MemoryStorage(), *storage));
}

TEST(LeveldbStorageOpen, MissingDirectoryWithoutCreateIsAnIOError) {
  TempDir tmp;
  LeveldbStorageOptions options = TestOptions(tmp.Sub("data"));
  options.create_if_missing = false;
  auto opened = LeveldbStorage::Open(options);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kIOError);
  EXPECT_EQ(opened.status().message(),
            "data directory " + tmp.Sub("data") + " does not exist (create_if_missing is off)");
  EXPECT_FALSE(std::filesystem::exists(tmp.Sub("data")));
}

TEST(LeveldbStorageOpen, ExistingEmptyDirectoryWithoutCreateIsAnIOError) {
  TempDir tmp;
  LeveldbStorageOptions options = TestOptions(tmp.path());
  options.create_if_missing = false;
  auto opened = LeveldbStorage::Open(options);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kIOError);
  EXPECT_NE(opened.status().message().find("cannot open leveldb"), std::string::npos)
      << opened.status().message();
}

// A path below a regular file cannot be created, whoever we run as (root ignores modes).
TEST(LeveldbStorageOpen, UncreatableDirectoryIsAnIOError) {
  TempDir tmp;
  std::ofstream(tmp.Sub("file")) << "x";
  auto opened = LeveldbStorage::Open(TestOptions(tmp.Sub("file") + "/data"));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kIOError);
  EXPECT_NE(opened.status().message().find("cannot create data directory " + tmp.Sub("file") + "/data"),
            std::string::npos)
      << opened.status().message();
}

TEST(LeveldbStorageOpen, UnwritableDirectoryIsAnIOError) {
  TempDir tmp;
  std::ofstream(tmp.Sub("file")) << "x";  // exists, but leveldb cannot create files in it
  auto opened = LeveldbStorage::Open(TestOptions(tmp.Sub("file")));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kIOError);
  EXPECT_NE(opened.status().message().find("data directory " + tmp.Sub("file") + ": cannot open leveldb"),
            std::string::npos)
      << opened.status().message();
}

TEST(LeveldbStorageOpen, DirectoryInUseIsAnIOError) {
  TempDir tmp;
  auto first = MustOpen(TestOptions(tmp.path()));
  ASSERT_NE(first, nullptr);
  auto second = LeveldbStorage::Open(TestOptions(tmp.path()));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kIOError);
  EXPECT_NE(second.status().message().find("lock"), std::string::npos) << second.status().message();
}

TEST(LeveldbStorageOpen, RejectsOptionsWithoutIdentity) {
  TempDir tmp;
  LeveldbStorageOptions options = TestOptions(tmp.path());
  options.cluster_id = "";
  EXPECT_EQ(LeveldbStorage::Open(options).status().code(), Code::kInvalidArgument);
  options = TestOptions(tmp.path());
  options.node_id = 0;
  EXPECT_EQ(LeveldbStorage::Open(options).status().code(), Code::kInvalidArgument);
}

// ---- Writing and restart ----

// One scripted history touching every kind of write, checked against MemoryStorage before
// and after a restart. (memory_storage_equivalence_test.cc does the same at random.)
TEST(LeveldbStorage, RestartRecoversEverythingWritten) {
  TempDir tmp;
  const pb::ConfState conf = MakeConf({1, 2, 3});
  MemoryStorage model(conf);
  auto storage = MustOpen(TestOptions(tmp.path(), nullptr, conf));
  ASSERT_NE(storage, nullptr);

  // Append 4..10 in term 2 with a new term and vote.
  ASSERT_TRUE(storage->Persist(std::nullopt, MakeEntries(4, 7, 2), MakeHardState(2, 1, 3)).ok());
  ASSERT_TRUE(model.Append(MakeEntries(4, 7, 2)).ok());
  model.SetHardState(MakeHardState(2, 1, 3));
  // A new leader overwrites 8..10 with 8..9 of term 3.
  ASSERT_TRUE(storage->Persist(std::nullopt, MakeEntries(8, 2, 3), MakeHardState(3, 2, 7)).ok());
  ASSERT_TRUE(model.Append(MakeEntries(8, 2, 3)).ok());
  model.SetHardState(MakeHardState(3, 2, 7));
  ASSERT_TRUE(SameStorage(model, *storage));
  // The application snapshots at 7 and compacts to 5.
  ASSERT_TRUE(storage->CreateSnapshot(7, MakeConf({1, 2, 3, 4}), "state@7").ok());
  ASSERT_TRUE(model.CreateSnapshot(7, MakeConf({1, 2, 3, 4}), "state@7").ok());
  ASSERT_TRUE(storage->Compact(5).ok());
  ASSERT_TRUE(model.Compact(5).ok());
  ASSERT_TRUE(SameStorage(model, *storage));

  storage.reset();
  storage = MustOpen(TestOptions(tmp.path()));
  ASSERT_NE(storage, nullptr);
  EXPECT_TRUE(SameStorage(model, *storage));

  // A snapshot from the leader replaces the log; entries after it follow in the same Ready.
  const pb::Snapshot snap = MakeSnapshot(20, 4, MakeConf({1, 2}), "state@20");
  std::vector<pb::Entry> after = MakeEntries(21, 3, 4);
  ASSERT_TRUE(storage->Persist(snap, after, MakeHardState(4, 0, 20)).ok());
  ASSERT_TRUE(model.ApplySnapshot(snap).ok());
  ASSERT_TRUE(model.Append(after).ok());
  model.SetHardState(MakeHardState(4, 0, 20));
  storage.reset();
  storage = MustOpen(TestOptions(tmp.path()));
  ASSERT_NE(storage, nullptr);
  EXPECT_TRUE(SameStorage(model, *storage));
  EXPECT_EQ(storage->hard_state().SerializeAsString(), MakeHardState(4, 0, 20).SerializeAsString());
  EXPECT_EQ(storage->snapshot_metadata().index(), 20u);
}

TEST(LeveldbStorage, EachPersistIsExactlyOneSyncedWrite) {
  TempDir tmp;
  auto storage = MustOpen(TestOptions(tmp.path()));
  ASSERT_NE(storage, nullptr);
  const StorageStats before = storage->stats();
  ASSERT_TRUE(storage->Persist(std::nullopt, MakeEntries(1, 64, 1, 100), MakeHardState(1, 1, 0)).ok());
  const StorageStats after = storage->stats();
  EXPECT_EQ(after.writes - before.writes, 1u);
  EXPECT_EQ(after.synced_writes - before.synced_writes, 1u);
  EXPECT_GE(after.fsyncs - before.fsyncs, 1u);
  EXPECT_GT(after.bytes_written - before.bytes_written, 64u * 100u);

  // A Ready with nothing durable in it costs nothing.
  ASSERT_TRUE(storage->Persist(std::nullopt, {}, std::nullopt).ok());
  EXPECT_EQ(storage->stats().writes, after.writes);
  EXPECT_EQ(storage->stats().fsyncs, after.fsyncs);
}

TEST(LeveldbStorage, InvalidWritesAreRefusedWithoutWritingAnything) {
  TempDir tmp;
  auto storage = MustOpen(TestOptions(tmp.path()));
  ASSERT_NE(storage, nullptr);
  ASSERT_TRUE(storage->Persist(MakeSnapshot(10, 2, MakeConf({1}), "s"), MakeEntries(11, 5, 2),
                               MakeHardState(2, 1, 12))
                  .ok());
  MemoryStorage unchanged;
  ASSERT_TRUE(unchanged.ApplySnapshot(MakeSnapshot(10, 2, MakeConf({1}), "s")).ok());
  ASSERT_TRUE(unchanged.Append(MakeEntries(11, 5, 2)).ok());
  unchanged.SetHardState(MakeHardState(2, 1, 12));
  const uint64_t writes = storage->stats().writes;

  std::vector<pb::Entry> holey = MakeEntries(14, 3, 3);
  holey[2].set_index(20);
  struct Case {
    const char* name;
    Status status;
    const char* message;
  };
  const Case cases[] = {
      {"non-contiguous entries", storage->Persist(std::nullopt, holey, std::nullopt),
       "entries are not contiguous at index 15"},
      {"gap after the log", storage->Persist(std::nullopt, MakeEntries(17, 2, 3), std::nullopt),
       "append leaves a gap after index 15"},
      {"older snapshot", storage->Persist(MakeSnapshot(9, 2, {}, ""), {}, std::nullopt),
       "snapshot is older than the stored one"},
      {"commit beyond the log",
       storage->Persist(std::nullopt, MakeEntries(16, 1, 3), MakeHardState(3, 1, 17)),
       "commit index 17 would be beyond the last index 16"},
      {"truncation below commit", storage->Persist(std::nullopt, MakeEntries(11, 1, 3), std::nullopt),
       "commit index 12 would be beyond the last index 11"},
      {"create snapshot at old index", storage->CreateSnapshot(10, {}, "x").status(),
       "snapshot out of date"},
      {"create snapshot past the log", storage->CreateSnapshot(16, {}, "x").status(),
       "snapshot index beyond the log"},
      {"compact past the log", storage->Compact(16), "compact beyond the log"},
      {"compact past the snapshot", storage->Compact(11),
       "compact to 11 beyond the snapshot at index 10: entries after the snapshot would be lost "
       "at restart"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.status.code(), Code::kInvalidArgument) << c.name << ": " << c.status.ToString();
    EXPECT_EQ(c.status.message(), c.message) << c.name;
  }
  EXPECT_EQ(storage->stats().writes, writes);
  EXPECT_TRUE(SameStorage(unchanged, *storage));
}

TEST(LeveldbStorage, SnapshotAtIndexZeroIsRefused) {
  TempDir tmp;
  auto storage = MustOpen(TestOptions(tmp.path()));
  ASSERT_NE(storage, nullptr);
  const Status s = storage->Persist(MakeSnapshot(0, 0, {}, ""), {}, std::nullopt);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "snapshot at index 0");
}

// ---- Snapshot files ----

TEST(LeveldbStorage, SnapshotDataLivesInItsOwnFileAndReadsBackInChunks) {
  TempDir tmp;
  auto storage = MustOpen(TestOptions(tmp.path()));
  ASSERT_NE(storage, nullptr);
  const std::string data = RandomBytes(3 << 20, 1);  // larger than one write/read chunk
  ASSERT_TRUE(storage->Persist(MakeSnapshot(100, 5, MakeConf({1, 2}), data), {}, MakeHardState(5, 0, 100)).ok());

  const std::vector<std::string> files = SnapshotFilesIn(tmp.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(std::filesystem::file_size(tmp.Sub(files[0])), data.size());
  EXPECT_EQ(storage->snapshot_data_size(), data.size());

  for (uint64_t chunk : {uint64_t{1000}, uint64_t{1} << 20, uint64_t{5} << 20}) {
    std::string assembled;
    while (assembled.size() < data.size()) {
      Result<std::string> part = storage->ReadSnapshotChunk(assembled.size(), chunk);
      ASSERT_TRUE(part.ok()) << part.status().ToString();
      ASSERT_FALSE(part->empty());
      ASSERT_LE(part->size(), chunk);
      assembled += *part;
    }
    EXPECT_EQ(assembled, data) << "chunk " << chunk;
  }
  Result<std::string> past_end = storage->ReadSnapshotChunk(data.size(), 100);
  ASSERT_TRUE(past_end.ok());
  EXPECT_TRUE(past_end->empty());

  storage.reset();
  storage = MustOpen(TestOptions(tmp.path()));
  ASSERT_NE(storage, nullptr);
  Result<std::string> whole = storage->ReadSnapshotData();
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(*whole, data);
  Result<pb::Snapshot> snap = storage->GetSnapshot();
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->data(), data);
  EXPECT_EQ(snap->metadata().index(), 100u);
  EXPECT_EQ(snap->metadata().conf_state().voters_size(), 2);
}

TEST(LeveldbStorage, ReplacedSnapshotFilesAreRemoved) {
  TempDir tmp;
  auto storage = MustOpen(TestOptions(tmp.path()));
  ASSERT_NE(storage, nullptr);
  ASSERT_TRUE(storage->Persist(std::nullopt, MakeEntries(1, 10, 1), MakeHardState(1, 1, 10)).ok());
  ASSERT_TRUE(storage->CreateSnapshot(5, {}, "five").ok());
  ASSERT_TRUE(storage->CreateSnapshot(8, {}, "eight").ok());
  ASSERT_TRUE(storage->Persist(MakeSnapshot(12, 2, {}, "twelve"), {}, MakeHardState(2, 1, 12)).ok());
  const std::vector<std::string> files = SnapshotFilesIn(tmp.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(*storage->ReadSnapshotData(), "twelve");
}

TEST(LeveldbStorage, UnreferencedSnapshotFilesAreRemovedAtOpen) {
  TempDir tmp;
  auto storage = MustOpen(TestOptions(tmp.path()));
  ASSERT_NE(storage, nullptr);
  ASSERT_TRUE(storage->Persist(std::nullopt, MakeEntries(1, 3, 1), std::nullopt).ok());
  ASSERT_TRUE(storage->CreateSnapshot(2, {}, "two").ok());
  storage.reset();
  // Leftovers of a crash: a temp file, and a replaced snapshot whose removal never happened.
  std::ofstream(tmp.Sub("snap-0000000000000003-0000000000000001-0000000000000009.snap.tmp")) << "x";
  std::ofstream(tmp.Sub("snap-0000000000000001-0000000000000001-0000000000000000.snap")) << "y";
  std::ofstream(tmp.Sub("notes.txt")) << "not ours";
  ASSERT_EQ(SnapshotFilesIn(tmp.path()).size(), 3u);

  storage = MustOpen(TestOptions(tmp.path()));
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(SnapshotFilesIn(tmp.path()).size(), 1u);
  EXPECT_EQ(*storage->ReadSnapshotData(), "two");
  EXPECT_TRUE(std::filesystem::exists(tmp.Sub("notes.txt")));
}

// ---- Failure ----

TEST(LeveldbStorage, AfterAFailedWriteEveryWriteIsRefusedUntilReopened) {
  TempDir tmp;
  FaultInjectionEnv env;
  auto storage = MustOpen(TestOptions(tmp.path(), &env));
  ASSERT_NE(storage, nullptr);
  ASSERT_TRUE(storage->Persist(std::nullopt, MakeEntries(1, 2, 1), std::nullopt).ok());

  env.CrashAfter(0);
  const Status failed = storage->Persist(std::nullopt, MakeEntries(3, 1, 1), std::nullopt);
  EXPECT_EQ(failed.code(), Code::kIOError);
  EXPECT_EQ(storage->LastIndex(), 2u) << "reads answer from the state before the failed write";

  storage.reset();
  ASSERT_TRUE(env.DropUnsyncedData().ok());
  storage = MustOpen(TestOptions(tmp.path(), &env));
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(storage->LastIndex(), 2u);
  EXPECT_TRUE(storage->Persist(std::nullopt, MakeEntries(3, 1, 1), std::nullopt).ok());
}

TEST(LeveldbStorage, AFailedWriteIsStickyEvenIfTheDiskComesBack) {
  TempDir tmp;
  FaultInjectionEnv env;
  auto storage = MustOpen(TestOptions(tmp.path(), &env));
  ASSERT_NE(storage, nullptr);
  // Let leveldb append the batch to its log, then fail the sync: the outcome is unknown.
  env.CrashAfter(1);
  EXPECT_EQ(storage->Persist(std::nullopt, MakeEntries(1, 1, 1), std::nullopt).code(), Code::kIOError);
  env.ClearCrash();  // the disk works again
  const Status again = storage->Persist(std::nullopt, MakeEntries(1, 1, 1), std::nullopt);
  EXPECT_EQ(again.code(), Code::kIOError);
  EXPECT_NE(again.message().find("an earlier write failed; reopen the storage"), std::string::npos)
      << again.message();
  EXPECT_EQ(storage->CreateSnapshot(1, {}, "").status().code(), Code::kIOError);
  EXPECT_EQ(storage->Compact(1).code(), Code::kIOError);
}

}  // namespace
}  // namespace coord::raft
