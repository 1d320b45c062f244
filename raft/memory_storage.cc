#include "raft/memory_storage.h"

#include <string>

#include "raft/bootstrap.h"

namespace coord::raft {

MemoryStorage::MemoryStorage(const pb::ConfState& initial) {
  entries_.emplace_back();  // dummy at index 0, term 0
  for (pb::Entry& e : BootstrapEntries(initial)) entries_.push_back(std::move(e));
  hard_state_ = BootstrapHardState(initial);
}

Result<InitialState> MemoryStorage::GetInitialState() const {
  return InitialState{hard_state_, snapshot_.metadata().conf_state()};
}

uint64_t MemoryStorage::FirstIndex() const { return entries_[0].index() + 1; }

uint64_t MemoryStorage::LastIndex() const { return entries_[0].index() + entries_.size() - 1; }

Result<uint64_t> MemoryStorage::Term(uint64_t i) const {
  const uint64_t offset = entries_[0].index();
  if (i < offset) return Status::Compacted();
  if (i - offset >= entries_.size()) return Status::Unavailable();
  return entries_[i - offset].term();
}

Result<std::vector<pb::Entry>> MemoryStorage::Entries(uint64_t lo, uint64_t hi,
                                                      uint64_t max_bytes) const {
  const uint64_t offset = entries_[0].index();
  if (lo <= offset) return Status::Compacted();
  if (hi > LastIndex() + 1) return Status::Unavailable();
  std::vector<pb::Entry> out;
  uint64_t bytes = 0;
  for (uint64_t i = lo; i < hi; ++i) {
    const pb::Entry& e = entries_[i - offset];
    bytes += e.ByteSizeLong();
    if (!out.empty() && bytes > max_bytes) break;
    out.push_back(e);
  }
  return out;
}

Result<pb::Snapshot> MemoryStorage::GetSnapshot() const { return snapshot_; }

void MemoryStorage::SetHardState(const pb::HardState& hard_state) { hard_state_ = hard_state; }

Status MemoryStorage::Append(const std::vector<pb::Entry>& entries) {
  if (entries.empty()) return Status::Ok();
  const uint64_t first = FirstIndex();
  const uint64_t incoming_first = entries.front().index();
  if (incoming_first + entries.size() - 1 < first) return Status::Ok();  // all compacted away
  if (incoming_first > LastIndex() + 1) {
    return Status::InvalidArgument("append leaves a gap after index " +
                                   std::to_string(LastIndex()));
  }
  // Skip any prefix that is already compacted.
  size_t skip = incoming_first < first ? first - incoming_first : 0;
  const uint64_t offset = entries_[0].index();
  const uint64_t start = entries[skip].index();
  entries_.resize(start - offset);
  for (size_t k = skip; k < entries.size(); ++k) entries_.push_back(entries[k]);
  return Status::Ok();
}

Status MemoryStorage::ApplySnapshot(const pb::Snapshot& snapshot) {
  if (snapshot.metadata().index() < snapshot_.metadata().index()) {
    return Status::InvalidArgument("snapshot is older than the stored one");
  }
  snapshot_ = snapshot;
  entries_.clear();
  pb::Entry dummy;
  dummy.set_index(snapshot.metadata().index());
  dummy.set_term(snapshot.metadata().term());
  entries_.push_back(std::move(dummy));
  return Status::Ok();
}

Result<pb::Snapshot> MemoryStorage::CreateSnapshot(uint64_t index, const pb::ConfState& conf_state,
                                                   std::string data) {
  if (index <= snapshot_.metadata().index()) return Status::InvalidArgument("snapshot out of date");
  if (index > LastIndex()) return Status::InvalidArgument("snapshot index beyond the log");
  pb::Snapshot snap;
  snap.mutable_metadata()->set_index(index);
  snap.mutable_metadata()->set_term(entries_[index - entries_[0].index()].term());
  *snap.mutable_metadata()->mutable_conf_state() = conf_state;
  snap.set_data(std::move(data));
  snapshot_ = snap;
  return snap;
}

Status MemoryStorage::Compact(uint64_t index) {
  const uint64_t offset = entries_[0].index();
  if (index <= offset) return Status::Ok();
  if (index > LastIndex()) return Status::InvalidArgument("compact beyond the log");
  if (index > snapshot_.metadata().index()) {
    return Status::InvalidArgument("compact beyond the latest snapshot");
  }
  std::vector<pb::Entry> kept;
  kept.reserve(entries_.size() - (index - offset));
  pb::Entry dummy;
  dummy.set_index(index);
  dummy.set_term(entries_[index - offset].term());
  kept.push_back(std::move(dummy));
  for (uint64_t i = index - offset + 1; i < entries_.size(); ++i) kept.push_back(std::move(entries_[i]));
  entries_ = std::move(kept);
  return Status::Ok();
}

}  // namespace coord::raft
