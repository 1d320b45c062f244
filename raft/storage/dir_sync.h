// Making a directory's entries durable, which leveldb::Env has no call for.
//
// A file that was fsynced is not durable until the directory entry naming it is too: after
// a crash the file may be gone, or a rename undone. leveldb's POSIX Env syncs a directory
// only as a side effect of syncing a MANIFEST file. We need it explicitly (new log files,
// renamed snapshot files), so an Env that wants to observe or model directory syncs -- the
// fault-injection Env of the tests -- implements DirSyncer, and SyncDir() below uses it.
//
// Thread-safety: SyncDir() is safe to call from any thread if the DirSyncer is.
#pragma once

#include <string>

#include <leveldb/env.h>
#include <leveldb/status.h>

namespace coord::raft {

class DirSyncer {
 public:
  virtual ~DirSyncer() = default;
  // Makes every entry of directory `dir` (creations, renames, removals) durable.
  virtual leveldb::Status SyncDir(const std::string& dir) = 0;
};

// Syncs `dir` through `env` if it is a DirSyncer, otherwise with POSIX open + fsync.
leveldb::Status SyncDir(leveldb::Env* env, const std::string& dir);

// The directory part of a file path ("." if there is none).
std::string DirName(const std::string& path);

}  // namespace coord::raft
