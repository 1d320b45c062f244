#include "raft/progress.h"

#include <algorithm>

namespace coord::raft {

void Inflights::Add(uint64_t last_index, uint64_t bytes) {
  items_.push_back({last_index, bytes});
  bytes_ += bytes;
}

void Inflights::FreeLE(uint64_t index) {
  while (!items_.empty() && items_.front().last_index <= index) {
    bytes_ -= items_.front().bytes;
    items_.pop_front();
  }
}

void Inflights::FreeFirstOne() {
  if (items_.empty()) return;
  bytes_ -= items_.front().bytes;
  items_.pop_front();
}

void Inflights::Reset() {
  items_.clear();
  bytes_ = 0;
}

bool Inflights::Full() const {
  return items_.size() >= static_cast<size_t>(max_count_) || (max_bytes_ > 0 && bytes_ >= max_bytes_);
}

const char* ProgressStateName(ProgressState state) {
  switch (state) {
    case ProgressState::kProbe: return "probe";
    case ProgressState::kReplicate: return "replicate";
    case ProgressState::kSnapshot: return "snapshot";
  }
  return "unknown";
}

void Progress::BecomeProbe() {
  // Leaving kSnapshot, the follower has at least the snapshot: resume right after it.
  if (state == ProgressState::kSnapshot && snapshot) {
    next = std::max(match, snapshot->metadata().index()) + 1;
  } else {
    next = match + 1;
  }
  state = ProgressState::kProbe;
  probe_sent = false;
  inflights.Reset();
  snapshot.reset();
  snapshot_acked = 0;
}

void Progress::BecomeReplicate() {
  state = ProgressState::kReplicate;
  next = match + 1;
  probe_sent = false;
  inflights.Reset();
  snapshot.reset();
}

void Progress::BecomeSnapshot(std::shared_ptr<const pb::Snapshot> snap) {
  state = ProgressState::kSnapshot;
  probe_sent = false;
  inflights.Reset();
  snapshot = std::move(snap);
  snapshot_acked = 0;
}

bool Progress::MaybeUpdate(uint64_t index) {
  bool updated = false;
  if (match < index) {
    match = index;
    updated = true;
    probe_sent = false;
  }
  next = std::max(next, index + 1);
  return updated;
}

bool Progress::MaybeDecrTo(uint64_t rejected, uint64_t hint) {
  if (state == ProgressState::kReplicate) {
    // A rejection at or below match is from an earlier round: the follower has since agreed.
    if (rejected <= match) return false;
    next = match + 1;
    return true;
  }
  if (state == ProgressState::kSnapshot) return false;
  // kProbe: only the rejection of the append we last sent (at next - 1) is meaningful.
  if (next == 0 || next - 1 != rejected) return false;
  next = std::max(std::min(rejected, hint + 1), match + 1);
  probe_sent = false;
  return true;
}

void Progress::SentEntries(uint64_t last, uint64_t bytes) {
  if (state == ProgressState::kReplicate) {
    next = last + 1;
    inflights.Add(last, bytes);
  } else if (state == ProgressState::kProbe) {
    probe_sent = true;
  }
}

bool Progress::IsPaused() const {
  switch (state) {
    case ProgressState::kProbe: return probe_sent;
    case ProgressState::kReplicate: return inflights.Full();
    case ProgressState::kSnapshot: return true;
  }
  return true;
}

}  // namespace coord::raft
