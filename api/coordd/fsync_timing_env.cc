#include "api/coordd/fsync_timing_env.h"

#include <chrono>
#include <memory>

namespace coord::api {
namespace {

class TimedFile : public leveldb::WritableFile {
 public:
  TimedFile(leveldb::WritableFile* file, http::Histogram* sync_seconds)
      : file_(file), sync_seconds_(sync_seconds) {}

  leveldb::Status Append(const leveldb::Slice& data) override { return file_->Append(data); }
  leveldb::Status Close() override { return file_->Close(); }
  leveldb::Status Flush() override { return file_->Flush(); }
  leveldb::Status Sync() override {
    const auto start = std::chrono::steady_clock::now();
    leveldb::Status s = file_->Sync();
    sync_seconds_->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return s;
  }

 private:
  std::unique_ptr<leveldb::WritableFile> file_;
  http::Histogram* const sync_seconds_;
};

}  // namespace

leveldb::Status FsyncTimingEnv::NewWritableFile(const std::string& fname,
                                                leveldb::WritableFile** result) {
  leveldb::WritableFile* file = nullptr;
  leveldb::Status s = target()->NewWritableFile(fname, &file);
  *result = s.ok() ? new TimedFile(file, sync_seconds_) : nullptr;
  return s;
}

leveldb::Status FsyncTimingEnv::NewAppendableFile(const std::string& fname,
                                                  leveldb::WritableFile** result) {
  leveldb::WritableFile* file = nullptr;
  leveldb::Status s = target()->NewAppendableFile(fname, &file);
  *result = s.ok() ? new TimedFile(file, sync_seconds_) : nullptr;
  return s;
}

}  // namespace coord::api
