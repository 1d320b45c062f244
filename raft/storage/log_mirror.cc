#include "raft/storage/log_mirror.h"

#include <cassert>

namespace coord::raft {

LogMirror::LogMirror(uint64_t compacted_index, uint64_t compacted_term)
    : compacted_index_(compacted_index), compacted_term_(compacted_term) {}

Result<uint64_t> LogMirror::Term(uint64_t i) const {
  if (i < compacted_index_) return Status::Compacted();
  if (i > LastIndex()) return Status::Unavailable();
  if (i == compacted_index_) return compacted_term_;
  return At(i).term();
}

Result<std::vector<pb::Entry>> LogMirror::Entries(uint64_t lo, uint64_t hi,
                                                  uint64_t max_bytes) const {
  if (lo <= compacted_index_) return Status::Compacted();
  if (hi > LastIndex() + 1) return Status::Unavailable();
  std::vector<pb::Entry> out;
  uint64_t bytes = 0;
  for (uint64_t i = lo; i < hi; ++i) {
    const pb::Entry& e = At(i);
    bytes += e.ByteSizeLong();
    if (!out.empty() && bytes > max_bytes) break;
    out.push_back(e);
  }
  return out;
}

void LogMirror::Reset(uint64_t index, uint64_t term) {
  entries_.clear();
  compacted_index_ = index;
  compacted_term_ = term;
}

void LogMirror::TruncateAndAppend(std::span<const pb::Entry> entries) {
  if (entries.empty()) return;
  const uint64_t start = entries.front().index();
  assert(start >= FirstIndex() && start <= LastIndex() + 1);
  entries_.resize(start - FirstIndex());
  for (const pb::Entry& e : entries) {
    assert(e.index() == LastIndex() + 1);
    entries_.push_back(e);
  }
}

void LogMirror::Append(pb::Entry e) {
  assert(e.index() == LastIndex() + 1);
  entries_.push_back(std::move(e));
}

void LogMirror::CompactTo(uint64_t index) {
  assert(index > compacted_index_ && index <= LastIndex());
  compacted_term_ = At(index).term();
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<ptrdiff_t>(index - compacted_index_));
  compacted_index_ = index;
}

}  // namespace coord::raft
