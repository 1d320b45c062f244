// A snapshot source over an in-memory string: the runtime holds a snapshot received from the
// leader whole, and StateMachine::Restore reads it in chunks. (Snapshots this node takes are
// streamed straight into their file: storage/snapshot_file_sink.h.)
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

}  // namespace coord::raft
