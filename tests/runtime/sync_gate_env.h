// SyncGateEnv: a leveldb::Env whose file syncs can be held, so a test can keep one replica's
// Raft thread inside a durable write while it checks what happens meanwhile.
//
// Closed() makes every Sync() wait until a permit is given (Allow) or the gate is opened
// again (Open); Allow(n) lets n syncs through. WaitForBlocked(n) waits until n syncs are
// waiting. Syncs still really sync (the files are real). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include <leveldb/env.h>

namespace coord::raft::testing {

class SyncGateEnv : public leveldb::EnvWrapper {
 public:
  SyncGateEnv() : leveldb::EnvWrapper(leveldb::Env::Default()) {}

  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = false;
    cv_.notify_all();
  }
  void Allow(int syncs) {
    std::lock_guard<std::mutex> lock(mu_);
    permits_ += syncs;
    cv_.notify_all();
  }
  // True once `count` syncs are held at the gate (false after `timeout`).
  bool WaitForBlocked(int count, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return blocked_ >= count; });
  }

  leveldb::Status NewWritableFile(const std::string& name, leveldb::WritableFile** out) override {
    return Wrap(target()->NewWritableFile(name, out), out);
  }
  leveldb::Status NewAppendableFile(const std::string& name, leveldb::WritableFile** out) override {
    return Wrap(target()->NewAppendableFile(name, out), out);
  }

 private:
  class File : public leveldb::WritableFile {
   public:
    File(SyncGateEnv* env, leveldb::WritableFile* base) : env_(env), base_(base) {}
    leveldb::Status Append(const leveldb::Slice& data) override { return base_->Append(data); }
    leveldb::Status Close() override { return base_->Close(); }
    leveldb::Status Flush() override { return base_->Flush(); }
    leveldb::Status Sync() override {
      env_->PassGate();
      return base_->Sync();
    }

   private:
    SyncGateEnv* const env_;
    std::unique_ptr<leveldb::WritableFile> base_;
  };

  leveldb::Status Wrap(leveldb::Status s, leveldb::WritableFile** out) {
    if (s.ok()) *out = new File(this, *out);
    return s;
  }
  void PassGate() {
    std::unique_lock<std::mutex> lock(mu_);
    ++blocked_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !closed_ || permits_ > 0; });
    if (closed_) --permits_;
    --blocked_;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool closed_ = false;
  int permits_ = 0;
  int blocked_ = 0;
};

}  // namespace coord::raft::testing
