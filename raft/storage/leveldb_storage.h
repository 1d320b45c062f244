// LeveldbStorage: the durable Raft log of one node, on leveldb.
//
// What is stored (key layout in keys.h, formats and checks in docs/storage.md): log entries,
// hard state, the latest snapshot's metadata and its data (in a file of its own), the
// membership as of that snapshot, the log's bounds, and a meta record naming the format
// version, cluster and node the directory belongs to. Every value carries a CRC32C of ours.
//
// Writing: the runtime calls Persist() once per Ready with the Ready's snapshot, entries and
// hard state, and that becomes durable with ONE synced leveldb write. Every write this class
// makes is synced, so what the in-memory view shows is exactly what is durable, and a write
// that returned OK survives any crash. After a write fails with an IOError its outcome on disk
// is unknown: the object refuses further writes (reads still answer from the state before
// the failed write) and the owner must reopen the directory to learn what is durable.
//
// Reading: Term, Entries, FirstIndex and LastIndex are on the core's hot path and are served
// from a full in-memory mirror of the live log (LogMirror; log_mirror.h says why a mirror and
// not a cache). leveldb is only read at Open. Snapshot data is read from its file on demand.
//
// Semantics match MemoryStorage (tests/storage/memory_storage_equivalence_test.cc checks it),
// including the bootstrap log of a fresh directory (bootstrap.h). Two writes that
// MemoryStorage accepts are refused here with InvalidArgument, because each would make a
// directory that recovery refuses to open: one leaving the hard state's commit index beyond
// the last log index, and a snapshot at index 0.
//
// Thread-safety: none, except stats() and PrepareSnapshot(), which any thread may call. One
// owner -- the thread or strand that drives the RawNode -- makes every other call.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <leveldb/db.h>
#include <leveldb/env.h>

#include "raft/raft.pb.h"
#include "raft/state_machine.h"
#include "raft/status.h"
#include "raft/storage.h"
#include "raft/storage/dir_syncing_env.h"
#include "raft/storage/log_mirror.h"
#include "raft/storage/records.pb.h"
#include "raft/storage/snapshot_files.h"

namespace coord::raft {

struct LeveldbStorageOptions {
  std::string dir;  // the data directory; holds the leveldb files and the snapshot files
  // The identity the directory must carry. Written when the directory is created; any other
  // value makes Open refuse the directory (it belongs to another cluster or node).
  std::string cluster_id;
  uint64_t node_id = 0;
  // The bootstrap membership, used only when creating a fresh directory. As in MemoryStorage,
  // a non-empty one starts the log with the bootstrap entries and hard state of bootstrap.h
  // (membership lives in the log); an empty one is a node that learns it from the leader.
  pb::ConfState initial_conf_state;
  // Create `dir` (one level: its parent must exist) and an empty log if there is none.
  // Otherwise a missing or empty directory is an IOError.
  bool create_if_missing = false;
  // Every file access goes through this Env. nullptr: leveldb::Env::Default(). Tests pass a
  // fault-injecting Env. Must outlive the storage.
  leveldb::Env* env = nullptr;
  // leveldb's memtable size: how much log accumulates before leveldb starts a new log file
  // and flushes a table. Tests make it small to exercise those switches.
  size_t write_buffer_size = 4 << 20;
};

// Monotonic counters since Open, for metrics. The runtime reports fsyncs per committed write.
struct StorageStats {
  uint64_t writes = 0;         // leveldb write batches made (all of them synced)
  uint64_t synced_writes = 0;  // of which synced: today equal to `writes`
  uint64_t bytes_written = 0;  // bytes of those batches, plus snapshot data files
  // Every file and directory fsync issued through our Env: the synced writes' log syncs, plus
  // snapshot files, directory syncs and leveldb's background flushes and compactions.
  uint64_t fsyncs = 0;
};

class LeveldbStorage final : public Storage {
 public:
  // Opens (or, if asked, creates) the data directory and recovers it: term, vote, commit,
  // log, latest snapshot, membership. A directory failing any consistency check is refused
  // with a Corruption naming the problem (recovery.h lists the checks); nothing is repaired
  // and no entry is ever dropped. IOError if the directory is missing (and
  // !create_if_missing), cannot be created or written, or is in use by another process.
  static Result<std::unique_ptr<LeveldbStorage>> Open(const LeveldbStorageOptions& options);

  ~LeveldbStorage() override;
  LeveldbStorage(const LeveldbStorage&) = delete;
  LeveldbStorage& operator=(const LeveldbStorage&) = delete;

  // ---- Storage (the core's view) ----
  Result<InitialState> GetInitialState() const override;
  Result<std::vector<pb::Entry>> Entries(uint64_t lo, uint64_t hi,
                                         uint64_t max_bytes) const override;
  Result<uint64_t> Term(uint64_t i) const override;
  uint64_t FirstIndex() const override;
  uint64_t LastIndex() const override;
  // Reads and checksums the whole snapshot file: call it only to send a snapshot.
  Result<pb::Snapshot> GetSnapshot() const override;

  // ---- Writes ----

  // Makes a Ready's durable parts durable, in Ready's order, with one synced leveldb write:
  // `snapshot` if set (replacing the whole log, as MemoryStorage::ApplySnapshot), then
  // `entries` (as MemoryStorage::Append: they may overwrite a suffix of the log; a prefix at
  // or below the compaction point is skipped), then `hard_state` if set. A snapshot's data is
  // first written to its own file and fsynced (so a Ready with a snapshot costs more fsyncs,
  // still one leveldb write). Nothing to write is a no-op.
  // InvalidArgument, with nothing written, if: the snapshot is older than the stored one or
  // at index 0; entries are not contiguous or would leave a gap after the log; the resulting
  // commit index would be beyond the last index.
  Status Persist(const std::optional<pb::Snapshot>& snapshot, const std::vector<pb::Entry>& entries,
                 const std::optional<pb::HardState>& hard_state);

  // Records a snapshot of the application's state taken at applied index `index`: writes
  // `data` to a new file (temp file, fsync, rename, directory fsync), then the metadata and
  // membership in one synced write, then removes the previous snapshot's file. The log is
  // left alone; call Compact() to discard entries behind it.
  // InvalidArgument if index <= the current snapshot's index or index > LastIndex().
  Result<pb::SnapshotMetadata> CreateSnapshot(uint64_t index, const pb::ConfState& conf_state,
                                              std::string_view data);

  // The same in two steps, so that a large snapshot's file is written off the owner's thread:
  // PrepareSnapshot may be called from any thread, concurrently with the owner's calls (it
  // only writes a new file and reads nothing the owner changes); CommitSnapshot, on the owner,
  // records it. `term` is the term of the entry at `index`. CommitSnapshot refuses (and
  // removes the file of) a snapshot no newer than the current one, beyond the log, or whose
  // term does not match the log.
  struct PreparedSnapshot {
    pb::SnapshotMetadata metadata;
    storagepb::SnapshotFileRecord file;
  };
  Result<PreparedSnapshot> PrepareSnapshot(uint64_t index, uint64_t term,
                                           const pb::ConfState& conf_state, std::string_view data);
  // The same, with the data streamed into the file by `write` (e.g. a SnapshotWriter's
  // WriteTo) rather than held in memory; a failure of `write` is returned as is.
  using SnapshotProducer = std::function<Status(SnapshotSink&)>;
  Result<PreparedSnapshot> PrepareSnapshot(uint64_t index, uint64_t term,
                                           const pb::ConfState& conf_state,
                                           const SnapshotProducer& write);
  Result<pb::SnapshotMetadata> CommitSnapshot(PreparedSnapshot prepared);

  // Discards the entries up to and including `index` (keeping its term for Term(index)):
  // point deletes of exactly the discarded keys plus the new log bounds, in one write. No-op
  // if index <= the compaction point. InvalidArgument if index > LastIndex() or index > the
  // snapshot's index (those entries would be in neither log nor snapshot after a restart).
  //
  // The write is synced although losing it would be harmless on its own (the entries would
  // simply still be there). leveldb orders an unsynced write before later synced ones only
  // within one log file, and it does not sync the old log file when it switches to a new one;
  // a lost compaction could then come back under a later, synced snapshot install that
  // deleted only the entries it knew of, and recovery would refuse the resurrected entries.
  // Syncing costs one fsync per compaction, i.e. per snapshot: nothing measurable.
  Status Compact(uint64_t index);

  // ---- Other reads ----
  const pb::HardState& hard_state() const { return hard_state_; }
  const pb::SnapshotMetadata& snapshot_metadata() const { return snapshot_; }
  // Size in bytes of the current snapshot's data (0 for the initial, empty one).
  uint64_t snapshot_data_size() const { return snapshot_file_ ? snapshot_file_->size() : 0; }
  // The whole snapshot data, checksummed. Memory: the whole snapshot.
  Result<std::string> ReadSnapshotData() const;
  // Up to max_bytes of the current snapshot's data from `offset` (empty at or past the end),
  // for sending it in chunks without holding it whole. A chunk is not checksummed on its own
  // (the file was verified at Open); if CreateSnapshot or Persist replaces the snapshot
  // between two chunks, later chunks come from the new file: compare snapshot_metadata()
  // before and after when that matters.
  Result<std::string> ReadSnapshotChunk(uint64_t offset, uint64_t max_bytes) const;

  StorageStats stats() const;
  const std::string& dir() const { return dir_; }

 private:
  LeveldbStorage(std::string dir, std::unique_ptr<DirSyncingEnv> env);

  // Writes `batch` synced; counts it. On failure, records the error so later writes refuse.
  Status Write(leveldb::WriteBatch* batch);
  // The error to return if a previous write failed, else Ok.
  Status CheckWritable() const;
  // Writes a snapshot's data file; returns its record, numbered after the current one.
  Result<storagepb::SnapshotFileRecord> WriteSnapshotFile(const pb::SnapshotMetadata& metadata,
                                                          const SnapshotProducer& write);
  // Adds the records of a new current snapshot to `batch`.
  static void PutSnapshot(const pb::SnapshotMetadata& metadata,
                          const storagepb::SnapshotFileRecord& file, leveldb::WriteBatch* batch);
  // Removes the file of a snapshot just replaced. Best effort: a leftover is removed at Open.
  void RemoveReplacedSnapshotFile(const std::optional<storagepb::SnapshotFileRecord>& replaced);

  const std::string dir_;
  // Declared before db_ so that it outlives it: leveldb uses the Env until it is closed.
  const std::unique_ptr<DirSyncingEnv> env_;
  const SnapshotFiles snapshot_files_;
  std::unique_ptr<leveldb::DB> db_;

  // The durable state, mirrored.
  pb::HardState hard_state_;
  pb::ConfState membership_;
  pb::SnapshotMetadata snapshot_;
  std::optional<storagepb::SnapshotFileRecord> snapshot_file_;
  LogMirror log_;

  Status write_error_;  // the first failed write; sticky

  std::atomic<uint64_t> next_snapshot_sequence_{1};
  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> bytes_written_{0};
};

}  // namespace coord::raft
