// FsyncTimingEnv: a leveldb::Env wrapper that times every file Sync() into a histogram
// (coord_storage_fsync_duration_seconds), for /metrics. The Raft log's durability costs one
// such sync per Ready (docs/storage.md), so this is the disk's share of write latency.
//
// It sits under the storage's own DirSyncingEnv (LeveldbStorageOptions::env), so it sees the
// log's syncs, snapshot files' syncs and leveldb's background table syncs; directory syncs go
// around leveldb's Env and are not timed.
//
// Thread-safety: as any leveldb Env (leveldb calls it from several threads); the histogram is
// lock-free. The WritableFiles it returns follow leveldb's one-user-at-a-time contract.
#pragma once

#include <string>

#include <leveldb/env.h>

#include "api/http/metrics.h"

namespace coord::api {

class FsyncTimingEnv : public leveldb::EnvWrapper {
 public:
  // Both must outlive this object.
  FsyncTimingEnv(leveldb::Env* target, http::Histogram* sync_seconds)
      : leveldb::EnvWrapper(target), sync_seconds_(sync_seconds) {}

  leveldb::Status NewWritableFile(const std::string& fname, leveldb::WritableFile** result) override;
  leveldb::Status NewAppendableFile(const std::string& fname,
                                    leveldb::WritableFile** result) override;

 private:
  http::Histogram* const sync_seconds_;
};

}  // namespace coord::api
