#include "raft/storage/dir_syncing_env.h"

#include <memory>
#include <utility>

namespace coord::raft {
namespace {

// Syncs its directory after its first successful Sync(). Whether the file is new or was
// truncated in place is not worth finding out: one extra directory fsync per file is cheap.
class DirSyncingFile : public leveldb::WritableFile {
 public:
  DirSyncingFile(DirSyncingEnv* env, std::string dir, leveldb::WritableFile* target)
      : env_(env), dir_(std::move(dir)), target_(target) {}

  leveldb::Status Append(const leveldb::Slice& data) override { return target_->Append(data); }
  leveldb::Status Close() override { return target_->Close(); }
  leveldb::Status Flush() override { return target_->Flush(); }
  leveldb::Status Sync() override {
    leveldb::Status s = target_->Sync();
    env_->CountSync();
    if (s.ok() && !dir_synced_) {
      s = env_->SyncDir(dir_);
      dir_synced_ = s.ok();
    }
    return s;
  }

 private:
  DirSyncingEnv* const env_;
  const std::string dir_;
  const std::unique_ptr<leveldb::WritableFile> target_;
  bool dir_synced_ = false;
};

}  // namespace

DirSyncingEnv::DirSyncingEnv(leveldb::Env* target) : leveldb::EnvWrapper(target) {}

leveldb::Status DirSyncingEnv::NewWritableFile(const std::string& fname,
                                               leveldb::WritableFile** result) {
  leveldb::WritableFile* file = nullptr;
  leveldb::Status s = target()->NewWritableFile(fname, &file);
  *result = s.ok() ? new DirSyncingFile(this, DirName(fname), file) : nullptr;
  return s;
}

leveldb::Status DirSyncingEnv::NewAppendableFile(const std::string& fname,
                                                 leveldb::WritableFile** result) {
  leveldb::WritableFile* file = nullptr;
  leveldb::Status s = target()->NewAppendableFile(fname, &file);
  *result = s.ok() ? new DirSyncingFile(this, DirName(fname), file) : nullptr;
  return s;
}

leveldb::Status DirSyncingEnv::RenameFile(const std::string& src, const std::string& target) {
  leveldb::Status s = this->target()->RenameFile(src, target);
  if (s.ok()) s = SyncDir(DirName(target));
  return s;
}

leveldb::Status DirSyncingEnv::CreateDir(const std::string& dirname) {
  leveldb::Status s = target()->CreateDir(dirname);
  if (s.ok()) s = SyncDir(DirName(dirname));
  return s;
}

leveldb::Status DirSyncingEnv::SyncDir(const std::string& dir) {
  CountSync();
  return coord::raft::SyncDir(target(), dir);
}

}  // namespace coord::raft
