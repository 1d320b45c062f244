// A corrupt or inconsistent data directory is refused at Open with a Corruption naming the
// problem, and refusing it changes nothing (a second Open says the same).
//
// Each case starts from the same directory, damages it behind the storage's back -- through
// leveldb itself, so leveldb's own checksums still pass, or on the snapshot file -- and checks
// the exact message.
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include <gtest/gtest.h>
#include <leveldb/db.h>

#include "raft/storage/keys.h"
#include "raft/storage/leveldb_storage.h"
#include "raft/storage/record_codec.h"
#include "raft/storage/records.pb.h"
#include "tests/storage/test_util.h"

namespace coord::raft {
namespace {

using keys::Kind;

// The directory every case damages:
//   bootstrap entries 1..3 (term 1), entries 4..10 (term 2), hard state {2, 1, commit 8},
//   snapshot at 6 (term 2) with data "snapshot-data", log compacted to 4.
class CorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto storage = MustOpen(TestOptions(tmp_.path(), nullptr, MakeConf({1, 2, 3})));
    ASSERT_NE(storage, nullptr);
    ASSERT_TRUE(storage->Persist(std::nullopt, MakeEntries(4, 7, 2), MakeHardState(2, 1, 8)).ok());
    ASSERT_TRUE(storage->CreateSnapshot(6, MakeConf({1, 2, 3}), "snapshot-data").ok());
    ASSERT_TRUE(storage->Compact(4).ok());
    snapshot_file_ = storage->dir() + "/" + SnapshotFileName();
  }

  std::string SnapshotFileName() const {
    for (const auto& e : std::filesystem::directory_iterator(tmp_.path())) {
      const std::string name = e.path().filename().string();
      if (name.starts_with("snap-")) return name;
    }
    ADD_FAILURE() << "no snapshot file";
    return "";
  }

  // Runs `damage` on the raw leveldb database of the (closed) directory.
  void WithDb(const std::function<void(leveldb::DB*)>& damage) {
    leveldb::DB* raw = nullptr;
    ASSERT_TRUE(leveldb::DB::Open(leveldb::Options(), tmp_.path(), &raw).ok());
    std::unique_ptr<leveldb::DB> db(raw);
    damage(db.get());
  }

  std::string Get(leveldb::DB* db, const std::string& key) {
    std::string value;
    EXPECT_TRUE(db->Get(leveldb::ReadOptions(), key, &value).ok()) << keys::Describe(key);
    return value;
  }
  void Put(leveldb::DB* db, const std::string& key, const std::string& value) {
    ASSERT_TRUE(db->Put(leveldb::WriteOptions(), key, value).ok());
  }
  void Delete(leveldb::DB* db, const std::string& key) {
    ASSERT_TRUE(db->Delete(leveldb::WriteOptions(), key).ok());
  }
  // Flips one byte of the stored value, leaving leveldb's own checksums valid.
  void FlipByte(const std::string& key) {
    WithDb([&](leveldb::DB* db) {
      std::string value = Get(db, key);
      value[value.size() / 2] ^= 0x20;
      Put(db, key, value);
    });
  }
  // Rewrites a record with a valid checksum of ours: the damage is in the meaning.
  void Rewrite(const std::string& key, const google::protobuf::MessageLite& message) {
    WithDb([&](leveldb::DB* db) { Put(db, key, EncodeRecord(key, message)); });
  }
  template <typename T>
  T Read(Kind kind) {
    T message;
    WithDb([&](leveldb::DB* db) {
      const std::string key = keys::Singleton(kind);
      EXPECT_TRUE(DecodeRecord(key, Get(db, key), &message).ok());
    });
    return message;
  }

  // Open must refuse with exactly this problem, and keep refusing.
  void ExpectRefused(const std::string& problem, LeveldbStorageOptions options) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto opened = LeveldbStorage::Open(options);
      ASSERT_FALSE(opened.ok()) << "expected: " << problem;
      EXPECT_EQ(opened.status().code(), Status::Code::kCorruption) << opened.status().ToString();
      EXPECT_EQ(opened.status().message(), "data directory " + tmp_.path() + ": " + problem)
          << "attempt " << attempt;
    }
  }
  void ExpectRefused(const std::string& problem) {
    ExpectRefused(problem, TestOptions(tmp_.path()));
  }

  std::string SnapshotFileNameFromPath() const {
    return std::filesystem::path(snapshot_file_).filename().string();
  }

  TempDir tmp_;
  std::string snapshot_file_;
};

TEST_F(CorruptionTest, TheUndamagedDirectoryOpens) {
  auto storage = MustOpen(TestOptions(tmp_.path()));
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(storage->FirstIndex(), 5u);
  EXPECT_EQ(storage->LastIndex(), 10u);
}

// ---- Checksums ----

TEST_F(CorruptionTest, FlippedByteInAnEntry) {
  FlipByte(keys::Entry(7));
  ExpectRefused("checksum mismatch in log entry 7");
}

TEST_F(CorruptionTest, FlippedByteInEachSingletonRecord) {
  const std::pair<Kind, const char*> records[] = {
      {Kind::kHardState, "hard state"},          {Kind::kMembership, "membership"},
      {Kind::kSnapshotMeta, "snapshot metadata"}, {Kind::kSnapshotFile, "snapshot file record"},
      {Kind::kLogBounds, "log bounds"},          {Kind::kMeta, "meta record"},
  };
  for (const auto& [kind, name] : records) {
    SCOPED_TRACE(name);
    std::string original;
    WithDb([&](leveldb::DB* db) { original = Get(db, keys::Singleton(kind)); });
    FlipByte(keys::Singleton(kind));
    ExpectRefused(std::string("checksum mismatch in ") + name);
    WithDb([&](leveldb::DB* db) { Put(db, keys::Singleton(kind), original); });
  }
  EXPECT_NE(MustOpen(TestOptions(tmp_.path())), nullptr) << "every record restored";
}

TEST_F(CorruptionTest, TruncatedValue) {
  WithDb([&](leveldb::DB* db) { Put(db, keys::Entry(8), "ab"); });
  ExpectRefused("log entry 8 is truncated (2 bytes)");
}

TEST_F(CorruptionTest, DamageLeveldbFindsItselfIsACorruptionToo) {
  // Flip bytes in the middle of every leveldb data file (table or log): leveldb's own
  // checksums catch it, at open or while we read the records.
  for (const auto& e : std::filesystem::directory_iterator(tmp_.path())) {
    const std::string name = e.path().filename().string();
    if (!name.ends_with(".ldb") && !name.ends_with(".log")) continue;
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    const auto size = static_cast<std::streamoff>(std::filesystem::file_size(e.path()));
    if (size < 64) continue;
    for (std::streamoff at = size / 2; at < size / 2 + 16; ++at) {
      f.seekg(at);
      const char c = static_cast<char>(f.get());
      f.seekp(at);
      f.put(static_cast<char>(c ^ 0x55));
    }
  }
  auto opened = LeveldbStorage::Open(TestOptions(tmp_.path()));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Status::Code::kCorruption) << opened.status().ToString();
}

// ---- The log ----

TEST_F(CorruptionTest, GapInTheLog) {
  WithDb([&](leveldb::DB* db) {
    Delete(db, keys::Entry(7));
    Delete(db, keys::Entry(8));
  });
  ExpectRefused("gap in the log: entries 7..8 are missing");
}

TEST_F(CorruptionTest, FirstEntryMissing) {
  WithDb([&](leveldb::DB* db) { Delete(db, keys::Entry(5)); });
  ExpectRefused("gap in the log: entries 5..5 are missing");
}

TEST_F(CorruptionTest, LastEntriesMissing) {
  WithDb([&](leveldb::DB* db) {
    Delete(db, keys::Entry(9));
    Delete(db, keys::Entry(10));
  });
  ExpectRefused("the log ends at index 8 but the log bounds record says 10: entries 9..10 are missing");
}

TEST_F(CorruptionTest, EntryBeyondTheLogBounds) {
  Rewrite(keys::Entry(11), MakeEntry(11, 2));
  ExpectRefused("log entry 11 is beyond the last index 10 that the log bounds record says");
}

TEST_F(CorruptionTest, EntryLeftBelowTheCompactionPoint) {
  Rewrite(keys::Entry(3), MakeEntry(3, 1));
  ExpectRefused("log entry 3 is at or below the compaction point 4");
}

TEST_F(CorruptionTest, EntryStoredUnderAnotherIndex) {
  Rewrite(keys::Entry(7), MakeEntry(8, 2));
  ExpectRefused("log entry 7 holds an entry with index 8");
}

TEST_F(CorruptionTest, TermGoingDown) {
  Rewrite(keys::Entry(9), MakeEntry(9, 1));
  ExpectRefused("log entry 9 has term 1, lower than the term 2 before it");
}

TEST_F(CorruptionTest, LogBoundsBackwards) {
  auto bounds = Read<storagepb::LogBoundsRecord>(Kind::kLogBounds);
  bounds.set_last_index(3);
  Rewrite(keys::Singleton(Kind::kLogBounds), bounds);
  ExpectRefused("log bounds record's last index 3 is below its compaction point 4");
}

// ---- Snapshot against log ----

TEST_F(CorruptionTest, SnapshotNewerThanTheLog) {
  auto snapshot = Read<pb::SnapshotMetadata>(Kind::kSnapshotMeta);
  snapshot.set_index(12);
  Rewrite(keys::Singleton(Kind::kSnapshotMeta), snapshot);
  ExpectRefused("snapshot index 12 is newer than the last log index 10 that the log bounds record says");
}

TEST_F(CorruptionTest, LogNotStartingRightAfterTheSnapshot) {
  auto bounds = Read<storagepb::LogBoundsRecord>(Kind::kLogBounds);
  bounds.set_compacted_index(8);
  WithDb([&](leveldb::DB* db) {
    for (uint64_t i = 5; i <= 8; ++i) Delete(db, keys::Entry(i));
  });
  Rewrite(keys::Singleton(Kind::kLogBounds), bounds);
  ExpectRefused("the log starts at index 9 but the snapshot ends at index 6: entries 7..8 are in neither");
}

TEST_F(CorruptionTest, SnapshotTermDisagreesWithTheLog) {
  auto snapshot = Read<pb::SnapshotMetadata>(Kind::kSnapshotMeta);
  snapshot.set_term(3);
  Rewrite(keys::Singleton(Kind::kSnapshotMeta), snapshot);
  ExpectRefused("snapshot term 3 disagrees with the log's term 2 at index 6");
}

TEST_F(CorruptionTest, CommitBeyondTheLastIndex) {
  Rewrite(keys::Singleton(Kind::kHardState), MakeHardState(2, 1, 11));
  ExpectRefused("hard state commit index 11 is beyond the last log index 10");
}

TEST_F(CorruptionTest, MembershipDisagreesWithTheSnapshot) {
  Rewrite(keys::Singleton(Kind::kMembership), MakeConf({1, 2}));
  ExpectRefused("membership record disagrees with the snapshot metadata's membership");
}

// ---- Snapshot file ----

TEST_F(CorruptionTest, SnapshotFileMissing) {
  std::filesystem::remove(snapshot_file_);
  ExpectRefused("snapshot data file " + SnapshotFileNameFromPath() + " is missing");
}

TEST_F(CorruptionTest, SnapshotFileTruncated) {
  std::filesystem::resize_file(snapshot_file_, 5);
  ExpectRefused("snapshot data file " + SnapshotFileNameFromPath() + " has 5 bytes, its record says 13");
}

TEST_F(CorruptionTest, SnapshotFileWithAFlippedByte) {
  {
    std::fstream f(snapshot_file_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(3);
    f.put('X');
  }
  ExpectRefused("checksum mismatch in snapshot data file " + SnapshotFileNameFromPath());
}

TEST_F(CorruptionTest, SnapshotFileRecordMissing) {
  WithDb([&](leveldb::DB* db) { Delete(db, keys::Singleton(Kind::kSnapshotFile)); });
  ExpectRefused("snapshot file record is missing for the snapshot at index 6");
}

TEST_F(CorruptionTest, SnapshotFileRecordForAnotherSnapshot) {
  auto file = Read<storagepb::SnapshotFileRecord>(Kind::kSnapshotFile);
  file.set_index(5);
  Rewrite(keys::Singleton(Kind::kSnapshotFile), file);
  ExpectRefused("snapshot file record is for index 5 term 2, the snapshot metadata for index 6 term 2");
}

// ---- Identity and format ----

TEST_F(CorruptionTest, DirectoryOfAnotherCluster) {
  LeveldbStorageOptions options = TestOptions(tmp_.path());
  options.cluster_id = "other-cluster";
  ExpectRefused("it belongs to cluster 'test-cluster', not 'other-cluster'", options);
}

TEST_F(CorruptionTest, DirectoryOfAnotherNode) {
  LeveldbStorageOptions options = TestOptions(tmp_.path());
  options.node_id = 2;
  ExpectRefused("it belongs to node 1, not node 2", options);
}

TEST_F(CorruptionTest, MetaRecordNamingAnotherCluster) {
  auto meta = Read<storagepb::MetaRecord>(Kind::kMeta);
  meta.set_cluster_id("copied-from-elsewhere");
  Rewrite(keys::Singleton(Kind::kMeta), meta);
  ExpectRefused("it belongs to cluster 'copied-from-elsewhere', not 'test-cluster'");
}

TEST_F(CorruptionTest, UnknownFormatVersion) {
  auto meta = Read<storagepb::MetaRecord>(Kind::kMeta);
  meta.set_format_version(99);
  Rewrite(keys::Singleton(Kind::kMeta), meta);
  ExpectRefused("unknown format version 99 (this build reads version 1)");
}

TEST_F(CorruptionTest, MissingRecords) {
  const std::pair<Kind, const char*> records[] = {
      {Kind::kMeta, "meta record"},
      {Kind::kHardState, "hard state"},
      {Kind::kMembership, "membership"},
      {Kind::kSnapshotMeta, "snapshot metadata"},
      {Kind::kLogBounds, "log bounds"},
  };
  for (const auto& [kind, name] : records) {
    SCOPED_TRACE(name);
    std::string original;
    WithDb([&](leveldb::DB* db) {
      original = Get(db, keys::Singleton(kind));
      Delete(db, keys::Singleton(kind));
    });
    ExpectRefused(std::string(name) + " is missing");
    WithDb([&](leveldb::DB* db) { Put(db, keys::Singleton(kind), original); });
  }
}

TEST_F(CorruptionTest, UnknownKey) {
  WithDb([&](leveldb::DB* db) { Put(db, std::string(1, '\x07'), "?"); });
  ExpectRefused("unknown key 0x07 in the database");
}

}  // namespace
}  // namespace coord::raft
