// DirSyncingEnv: a leveldb::Env wrapper that makes the directory entries of new and renamed
// files durable, and counts fsyncs.
//
// leveldb fsyncs file data but (on POSIX) syncs a directory only when it syncs a MANIFEST.
// Under a strict crash model -- a directory entry survives a crash only once its directory
// was fsynced -- that leaves two holes:
//  - when the memtable fills, leveldb starts a new log file; synced writes into it are lost
//    with the whole file if the machine crashes before the next MANIFEST sync;
//  - every open renames a temp file over CURRENT and never syncs the directory.
// This wrapper closes both: the first Sync() of every file it opened also syncs the file's
// directory (before Sync() returns), and RenameFile / CreateDir sync the parent directory.
// The cost is one directory fsync per new file (a log file per write_buffer_size bytes, a
// table file per compaction output), none per ordinary synced write.
//
// Thread-safety: safe; leveldb calls it from its writer and its background threads. The
// WritableFiles it returns follow leveldb's contract (one user at a time).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <leveldb/env.h>

#include "raft/storage/dir_sync.h"

namespace coord::raft {

class DirSyncingEnv : public leveldb::EnvWrapper, public DirSyncer {
 public:
  // `target` must outlive this object. If it is a DirSyncer, directory syncs go through it.
  explicit DirSyncingEnv(leveldb::Env* target);

  leveldb::Status NewWritableFile(const std::string& fname, leveldb::WritableFile** result) override;
  leveldb::Status NewAppendableFile(const std::string& fname,
                                    leveldb::WritableFile** result) override;
  leveldb::Status RenameFile(const std::string& src, const std::string& target) override;
  leveldb::Status CreateDir(const std::string& dirname) override;

  leveldb::Status SyncDir(const std::string& dir) override;

  // File and directory syncs issued through this Env so far (by leveldb and by us).
  uint64_t syncs() const { return syncs_.load(std::memory_order_relaxed); }
  // Called by the files this Env returns when they sync.
  void CountSync() { syncs_.fetch_add(1, std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> syncs_{0};
};

}  // namespace coord::raft
