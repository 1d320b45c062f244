#include "raft/raft_log.h"

#include <algorithm>
#include <string>

#include "raft/invariant.h"

namespace coord::raft {

RaftLog::RaftLog(const Storage* storage, uint64_t max_committed_size_per_ready)
    : storage_(storage),
      max_committed_size_per_ready_(max_committed_size_per_ready),
      unstable_offset_(storage->LastIndex() + 1),
      // Everything before the first entry is in a snapshot, hence committed and applied.
      committed_(storage->FirstIndex() - 1),
      applied_(storage->FirstIndex() - 1) {}

uint64_t RaftLog::FirstIndex() const {
  if (unstable_snapshot_) return unstable_snapshot_->metadata().index() + 1;
  return storage_->FirstIndex();
}

uint64_t RaftLog::LastIndex() const {
  if (!unstable_entries_.empty()) return unstable_offset_ + unstable_entries_.size() - 1;
  if (unstable_snapshot_) return unstable_snapshot_->metadata().index();
  return storage_->LastIndex();
}

Result<uint64_t> RaftLog::Term(uint64_t i) const {
  const uint64_t dummy = FirstIndex() - 1;
  if (i < dummy) return Status::Compacted();
  if (i > LastIndex()) return Status::Unavailable();
  if (i >= unstable_offset_ && i - unstable_offset_ < unstable_entries_.size()) {
    return unstable_entries_[i - unstable_offset_].term();
  }
  if (unstable_snapshot_ && i == unstable_snapshot_->metadata().index()) {
    return unstable_snapshot_->metadata().term();
  }
  return storage_->Term(i);
}

uint64_t RaftLog::TermOrZero(uint64_t i) const {
  Result<uint64_t> t = Term(i);
  return t.ok() ? *t : 0;
}

uint64_t RaftLog::LastTerm() const {
  Result<uint64_t> t = Term(LastIndex());
  COORD_INVARIANT(t.ok(), "last-term-known", t.status().ToString());
  return *t;
}

bool RaftLog::MatchTerm(uint64_t i, uint64_t term) const {
  Result<uint64_t> t = Term(i);
  return t.ok() && *t == term;
}

bool RaftLog::IsUpToDate(uint64_t last_index, uint64_t last_term) const {
  const uint64_t our_term = LastTerm();
  return last_term > our_term || (last_term == our_term && last_index >= LastIndex());
}

uint64_t RaftLog::FindConflict(
    const google::protobuf::RepeatedPtrField<pb::Entry>& entries) const {
  for (const pb::Entry& e : entries) {
    if (!MatchTerm(e.index(), e.term())) return e.index();
  }
  return 0;
}

std::optional<uint64_t> RaftLog::MaybeAppend(
    uint64_t index, uint64_t log_term, uint64_t commit,
    const google::protobuf::RepeatedPtrField<pb::Entry>& entries) {
  if (!MatchTerm(index, log_term)) return std::nullopt;
  const uint64_t last_new = index + entries.size();
  const uint64_t conflict = FindConflict(entries);
  if (conflict != 0) {
    COORD_INVARIANT(conflict > committed_, "no-overwrite-of-committed-entry",
                    "conflict at " + std::to_string(conflict) + " <= committed " +
                        std::to_string(committed_));
    std::vector<pb::Entry> tail(entries.begin() + (conflict - (index + 1)), entries.end());
    TruncateAndAppend(std::move(tail));
  }
  CommitTo(std::min(commit, last_new));
  return last_new;
}

uint64_t RaftLog::Append(std::vector<pb::Entry> entries) {
  if (entries.empty()) return LastIndex();
  COORD_INVARIANT(entries.front().index() == LastIndex() + 1, "append-is-contiguous",
                  "first " + std::to_string(entries.front().index()) + " after last " +
                      std::to_string(LastIndex()));
  TruncateAndAppend(std::move(entries));
  return LastIndex();
}

void RaftLog::TruncateAndAppend(std::vector<pb::Entry> entries) {
  const uint64_t after = entries.front().index();
  if (after == unstable_offset_ + unstable_entries_.size()) {
    // Common case: extends the tail.
  } else if (after <= unstable_offset_) {
    // Replaces the whole unstable tail (and shadows any stale stable suffix).
    unstable_offset_ = after;
    unstable_entries_.clear();
  } else {
    unstable_entries_.resize(after - unstable_offset_);
  }
  unstable_entries_.insert(unstable_entries_.end(), std::make_move_iterator(entries.begin()),
                           std::make_move_iterator(entries.end()));
}

std::pair<uint64_t, uint64_t> RaftLog::FindConflictByTerm(uint64_t index, uint64_t term) const {
  index = std::min(index, LastIndex());
  for (;; --index) {
    Result<uint64_t> t = Term(index);
    if (!t.ok()) return {index, 0};  // compacted: the snapshot point is a safe lower bound
    if (*t <= term || index == 0) return {index, *t};
  }
}

Result<std::vector<pb::Entry>> RaftLog::Slice(uint64_t lo, uint64_t hi, uint64_t max_bytes) const {
  if (lo < FirstIndex()) return Status::Compacted();
  if (hi > LastIndex() + 1) return Status::Unavailable();
  std::vector<pb::Entry> out;
  if (lo >= hi) return out;
  uint64_t bytes = 0;
  if (lo < unstable_offset_) {
    Result<std::vector<pb::Entry>> stored =
        storage_->Entries(lo, std::min(hi, unstable_offset_), max_bytes);
    if (!stored.ok()) return stored.status();
    out = std::move(*stored);
    for (const pb::Entry& e : out) bytes += e.ByteSizeLong();
    // Storage stopped early on the size limit: do not continue with unstable entries.
    if (out.back().index() + 1 < std::min(hi, unstable_offset_)) return out;
  }
  for (uint64_t i = std::max(lo, unstable_offset_); i < hi; ++i) {
    const pb::Entry& e = unstable_entries_[i - unstable_offset_];
    bytes += e.ByteSizeLong();
    if (!out.empty() && bytes > max_bytes) break;
    out.push_back(e);
  }
  return out;
}

void RaftLog::CommitTo(uint64_t index) {
  if (index <= committed_) return;
  COORD_INVARIANT(index <= LastIndex(), "commit-within-log",
                  "commit " + std::to_string(index) + " beyond last " +
                      std::to_string(LastIndex()));
  committed_ = index;
}

void RaftLog::AppliedTo(uint64_t index) {
  if (index == 0) return;
  COORD_INVARIANT(index <= committed_ && index >= applied_, "applied-within-committed",
                  "applied " + std::to_string(index) + " committed " +
                      std::to_string(committed_) + " previous " + std::to_string(applied_));
  applied_ = index;
}

bool RaftLog::HasNextCommittedEntries() const {
  return committed_ + 1 > std::max(applied_ + 1, FirstIndex());
}

std::vector<pb::Entry> RaftLog::NextCommittedEntries() const {
  if (!HasNextCommittedEntries()) return {};
  Result<std::vector<pb::Entry>> entries =
      Slice(std::max(applied_ + 1, FirstIndex()), committed_ + 1, max_committed_size_per_ready_);
  COORD_INVARIANT(entries.ok(), "committed-entries-available", entries.status().ToString());
  return std::move(*entries);
}

void RaftLog::StableTo(uint64_t index, uint64_t term) {
  if (index < unstable_offset_ || index - unstable_offset_ >= unstable_entries_.size()) return;
  if (unstable_entries_[index - unstable_offset_].term() != term) return;
  unstable_entries_.erase(unstable_entries_.begin(),
                          unstable_entries_.begin() + (index - unstable_offset_ + 1));
  unstable_offset_ = index + 1;
}

void RaftLog::StableSnapshotTo(uint64_t index) {
  if (unstable_snapshot_ && unstable_snapshot_->metadata().index() == index) {
    unstable_snapshot_.reset();
  }
}

uint64_t RaftLog::LastStableIndex() const {
  if (unstable_snapshot_) return 0;  // until the snapshot is durable, nothing new is
  return unstable_offset_ - 1;
}

void RaftLog::Restore(const pb::Snapshot& snapshot) {
  committed_ = snapshot.metadata().index();
  unstable_offset_ = snapshot.metadata().index() + 1;
  unstable_entries_.clear();
  unstable_snapshot_ = snapshot;
}

Result<pb::Snapshot> RaftLog::Snapshot() const {
  if (unstable_snapshot_) return *unstable_snapshot_;
  return storage_->GetSnapshot();
}

}  // namespace coord::raft
