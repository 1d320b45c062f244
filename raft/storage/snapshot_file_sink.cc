#include "raft/storage/snapshot_file_sink.h"

#include "raft/storage/crc32c.h"
#include "raft/storage/leveldb_status.h"

namespace coord::raft {

Result<std::unique_ptr<SnapshotFileSink>> SnapshotFileSink::Create(
    leveldb::Env* env, std::string temp_path, std::string final_path,
    storagepb::SnapshotFileRecord record) {
  leveldb::WritableFile* raw = nullptr;
  leveldb::Status s = env->NewWritableFile(temp_path, &raw);
  if (!s.ok()) return FromLeveldb(s, "creating snapshot data file " + temp_path);
  return std::unique_ptr<SnapshotFileSink>(
      new SnapshotFileSink(env, std::move(temp_path), std::move(final_path), std::move(record),
                           std::unique_ptr<leveldb::WritableFile>(raw)));
}

SnapshotFileSink::SnapshotFileSink(leveldb::Env* env, std::string temp_path,
                                   std::string final_path, storagepb::SnapshotFileRecord record,
                                   std::unique_ptr<leveldb::WritableFile> file)
    : env_(env),
      temp_path_(std::move(temp_path)),
      final_path_(std::move(final_path)),
      record_(std::move(record)),
      file_(std::move(file)) {}

SnapshotFileSink::~SnapshotFileSink() {
  if (file_) (void)file_->Close();
  if (!published_) env_->RemoveFile(temp_path_);  // best effort: a leftover goes at next open
}

Status SnapshotFileSink::Write(std::string_view chunk) {
  if (!failed_.ok()) return failed_;
  if (!file_) return failed_ = Status::InvalidArgument("snapshot file already finished");
  crc_ = crc32c::Extend(crc_, chunk);
  size_ += chunk.size();
  leveldb::Status s;
  while (s.ok() && !chunk.empty()) {
    const std::string_view piece = chunk.substr(0, kSyncEvery - unsynced_);
    chunk.remove_prefix(piece.size());
    s = file_->Append(leveldb::Slice(piece.data(), piece.size()));
    unsynced_ += piece.size();
    if (s.ok() && unsynced_ == kSyncEvery) {
      s = file_->Sync();
      unsynced_ = 0;
    }
  }
  if (!s.ok()) failed_ = FromLeveldb(s, "writing snapshot data file " + final_path_);
  return failed_;
}

Result<storagepb::SnapshotFileRecord> SnapshotFileSink::Finish() {
  if (!failed_.ok()) return failed_;
  if (!file_) return Status::InvalidArgument("snapshot file already finished");
  leveldb::Status s = file_->Sync();
  // Close even after a failure, so the descriptor is released before the temp file goes.
  const leveldb::Status closed = file_->Close();
  file_.reset();
  if (s.ok()) s = closed;
  if (s.ok()) s = env_->RenameFile(temp_path_, final_path_);
  if (!s.ok()) return failed_ = FromLeveldb(s, "writing snapshot data file " + final_path_);
  published_ = true;
  record_.set_size(size_);
  record_.set_crc32c(crc_);
  return record_;
}

}  // namespace coord::raft
