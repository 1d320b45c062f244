// Snapshot streams over an in-memory string: the runtime holds a received or recorded
// snapshot's data whole, and the StateMachine interface reads and writes it in chunks.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "raft/state_machine.h"

namespace coord::raft {

// Feeds `data` (which must outlive the source) to StateMachine::Restore in bounded chunks.
class StringSnapshotSource : public SnapshotSource {
 public:
  explicit StringSnapshotSource(std::string_view data) : data_(data) {}
  Result<bool> Read(std::string* chunk) override {
    constexpr size_t kChunk = 1 << 20;
    if (offset_ >= data_.size()) {
      chunk->clear();
      return false;
    }
    const size_t n = std::min(kChunk, data_.size() - offset_);
    chunk->assign(data_.substr(offset_, n));
    offset_ += n;
    return true;
  }

 private:
  std::string_view data_;
  size_t offset_ = 0;
};

// Collects a SnapshotWriter's output.
class StringSnapshotSink : public SnapshotSink {
 public:
  Status Write(std::string_view chunk) override {
    data.append(chunk);
    return Status::Ok();
  }
  std::string data;
};

}  // namespace coord::raft
