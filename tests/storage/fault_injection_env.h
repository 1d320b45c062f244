// FaultInjectionEnv: a leveldb::Env that simulates a machine crash, for storage tests.
//
// It wraps a real Env -- files are real files -- and keeps, per file written through it, how
// much was written and how much of that a Sync() covered. DropUnsyncedData() then rewrites
// the directory as a crash would leave it under strict POSIX rules:
//   - a file's data survives up to its size at its last Sync(); of the rest, nothing, or
//     (given a random generator) a random prefix, since a crash may keep some unsynced data
//     but never a later byte without the earlier ones;
//   - a file created, or renamed into place, survives only if its directory was synced
//     afterwards -- through DirSyncer::SyncDir, or, as leveldb's POSIX Env does, by syncing
//     a MANIFEST file in it. A rename not followed by a directory sync is undone: a file it
//     replaced comes back with its old content, and its source with its durable content.
// Simplifications, each harmless for what we test: a removal is durable at once (nothing we
// test depends on an unsynced removal coming back); directories are durable once created.
//
// CrashAfter(n) makes the machine "go down" after n more mutating operations (create,
// append, sync, rename, remove, directory sync): that one and every later one fail with an
// IOError and change nothing, so an operation in flight fails the way it would if the
// process died there. Reads keep working.
//
// Sync() does not call fsync: durability is modelled here, not physical, and skipping the
// real fsync keeps crash tests fast. It does flush the file's user-space buffer, so the real
// file holds everything written.
//
// Thread-safety: safe (leveldb calls it from its background thread too).
// DropUnsyncedData() REQUIRES that nothing has a file open through this Env.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>

#include <leveldb/env.h>

#include "raft/storage/dir_sync.h"

namespace coord::raft {

class FaultInjectionEnv : public leveldb::EnvWrapper, public DirSyncer {
 public:
  explicit FaultInjectionEnv(leveldb::Env* target = leveldb::Env::Default());

  // After `ops` more mutating operations succeed, every further one fails.
  void CrashAfter(uint64_t ops);
  // Lets mutations succeed again without dropping anything: turns the crash into a transient
  // I/O failure, to test what a writer does when the disk comes back.
  void ClearCrash();
  bool crashed() const;
  // Mutating operations attempted so far (including failed ones); tests use it to pick a
  // crash point within a sequence of writes.
  uint64_t mutating_ops() const;

  // Leaves the files as the crash would have: see the file comment. With `rng`, keeps a
  // random prefix of each file's unsynced data; without, keeps none. Then forgets all
  // tracking (everything on disk now counts as durable) and clears the crash, so the
  // directory can be reopened through this Env.
  leveldb::Status DropUnsyncedData(std::mt19937_64* rng = nullptr);

  // ---- leveldb::Env ----
  leveldb::Status NewWritableFile(const std::string& fname, leveldb::WritableFile** result) override;
  leveldb::Status NewAppendableFile(const std::string& fname,
                                    leveldb::WritableFile** result) override;
  leveldb::Status RemoveFile(const std::string& fname) override;
  leveldb::Status RenameFile(const std::string& src, const std::string& target) override;
  leveldb::Status CreateDir(const std::string& dirname) override;

  // ---- DirSyncer ----
  leveldb::Status SyncDir(const std::string& dir) override;

  // ---- Called by the files this Env returns ----
  // Counts a mutating operation; an IOError if the machine is down.
  leveldb::Status BeforeMutation(const std::string& what);
  void RecordAppend(const std::string& fname, uint64_t bytes);
  void RecordSync(const std::string& fname);

 private:
  struct FileState {
    uint64_t size = 0;    // bytes written through us
    uint64_t synced = 0;  // of which covered by a Sync()
  };

  // REQUIRES: mu_ held.
  void SyncDirLocked(const std::string& dir);
  // Whether `path`'s directory entry would survive a crash now.
  bool IsEntryDurable(const std::string& path) const;
  // How many of the `real_size` bytes of `path` would survive a crash now.
  uint64_t DurableSize(const std::string& path, uint64_t real_size) const;

  mutable std::mutex mu_;
  std::map<std::string, FileState> files_;      // GUARDED_BY(mu_)
  // Files whose directory entry is not durable yet.       GUARDED_BY(mu_)
  std::set<std::string> unsynced_entries_;
  // Files an undone rename would bring back, with their durable content. GUARDED_BY(mu_)
  std::map<std::string, std::string> restore_on_crash_;
  uint64_t ops_ = 0;                            // GUARDED_BY(mu_)
  std::optional<uint64_t> crash_at_;            // GUARDED_BY(mu_): value of ops_ that fails
};

}  // namespace coord::raft
