// Snapshots streamed into their file (LeveldbStorage::PrepareSnapshot with a producer, as the
// runtime records the snapshots it takes): the data arrives in pieces and never whole.
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "raft/storage/leveldb_storage.h"
#include "raft/storage/snapshot_file_sink.h"
#include "tests/storage/fault_injection_env.h"
#include "tests/storage/test_util.h"

namespace coord::raft {
namespace {

// Writes `data` in pieces of the given sizes, cycling through them.
LeveldbStorage::SnapshotProducer InPieces(const std::string& data, std::vector<size_t> sizes) {
  return [&data, sizes](SnapshotSink& sink) {
    size_t offset = 0;
    for (size_t i = 0; offset < data.size(); ++i) {
      const size_t n = std::min(sizes[i % sizes.size()], data.size() - offset);
      Status s = sink.Write(std::string_view(data).substr(offset, n));
      if (!s.ok()) return s;
      offset += n;
    }
    return Status::Ok();
  };
}

std::unique_ptr<LeveldbStorage> StorageWithLog(const LeveldbStorageOptions& options) {
  std::unique_ptr<LeveldbStorage> storage = MustOpen(options);
  if (storage == nullptr) return nullptr;
  EXPECT_TRUE(storage->Persist(std::nullopt, MakeEntries(1, 10, 1), MakeHardState(1, 0, 10)).ok());
  return storage;
}

TEST(SnapshotStream, PiecesOfAnySizeBecomeOneFileThatReadsBackWhole) {
  TempDir tmp;
  std::unique_ptr<LeveldbStorage> storage = StorageWithLog(TestOptions(tmp.path()));
  ASSERT_NE(storage, nullptr);
  // Over three sync intervals, in pieces that straddle every interval boundary.
  const std::string data = RandomBytes(3 * SnapshotFileSink::kSyncEvery + 12345, 7);
  Result<LeveldbStorage::PreparedSnapshot> prepared =
      storage->PrepareSnapshot(8, 1, MakeConf({1}), InPieces(data, {1, 700001, 4096, 333333}));
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_EQ(prepared->file.size(), data.size());
  ASSERT_TRUE(storage->CommitSnapshot(std::move(prepared).value()).ok());

  Result<std::string> read = storage->ReadSnapshotData();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(*read == data);
  storage.reset();
  // The checksum recorded while streaming is the one every open verifies.
  std::unique_ptr<LeveldbStorage> reopened = MustOpen(TestOptions(tmp.path()));
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->GetSnapshot()->metadata().index(), 8u);
  EXPECT_EQ(SnapshotFilesIn(tmp.path()).size(), 1u);
}

TEST(SnapshotStream, AProducerThatFailsLeavesNoFileAndItsErrorIsReturned) {
  TempDir tmp;
  std::unique_ptr<LeveldbStorage> storage = StorageWithLog(TestOptions(tmp.path()));
  ASSERT_NE(storage, nullptr);
  const std::string data = RandomBytes(2 * SnapshotFileSink::kSyncEvery, 8);
  Result<LeveldbStorage::PreparedSnapshot> prepared =
      storage->PrepareSnapshot(8, 1, MakeConf({1}), [&data](SnapshotSink& sink) {
        Status s = sink.Write(data);
        return s.ok() ? Status::Corruption("the image broke halfway") : s;
      });
  ASSERT_FALSE(prepared.ok());
  EXPECT_EQ(prepared.status().code(), Status::Code::kCorruption);
  EXPECT_TRUE(SnapshotFilesIn(tmp.path()).empty()) << "the temp file must be removed";
}

TEST(SnapshotStream, FileIsSyncedAsItIsWrittenNotOnlyAtTheEnd) {
  TempDir tmp;
  FaultInjectionEnv env;
  std::unique_ptr<LeveldbStorage> storage = StorageWithLog(TestOptions(tmp.path(), &env));
  ASSERT_NE(storage, nullptr);
  const std::string data = RandomBytes(4 * SnapshotFileSink::kSyncEvery, 9);
  // The machine goes down after the producer has written everything, before Finish's sync:
  // what survives of the temp file is what the sink synced on its way.
  Result<LeveldbStorage::PreparedSnapshot> prepared =
      storage->PrepareSnapshot(8, 1, MakeConf({1}), [&](SnapshotSink& sink) {
        // Half a sync interval, then three in one piece: a large piece is synced per MB too.
        constexpr uint64_t kMB = SnapshotFileSink::kSyncEvery;
        Status s = InPieces(data, {kMB / 2, 3 * kMB})(sink);
        env.CrashAfter(0);
        return s;
      });
  ASSERT_FALSE(prepared.ok());
  storage.reset();
  ASSERT_TRUE(env.DropUnsyncedData().ok());
  uint64_t temp_bytes = 0;
  for (const std::string& name : SnapshotFilesIn(tmp.path())) {
    if (name.ends_with(".tmp")) temp_bytes = std::filesystem::file_size(tmp.Sub(name));
  }
  EXPECT_GE(temp_bytes, 3 * SnapshotFileSink::kSyncEvery);
  // And the directory still opens: the leftover temp file is not a snapshot.
  std::unique_ptr<LeveldbStorage> reopened = MustOpen(TestOptions(tmp.path(), &env));
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->GetSnapshot()->metadata().index(), 0u);
}

}  // namespace
}  // namespace coord::raft
