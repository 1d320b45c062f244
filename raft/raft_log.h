// RaftLog: the log as the core sees it: what Storage holds (durable) followed by what this
// node has appended but the application has not yet persisted (the unstable tail), plus the
// commit and apply positions.
//
// Invariants (checked loudly): applied <= committed <= LastIndex(); the unstable tail starts
// right after the stable part (or after an unstable snapshot).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "raft/raft.pb.h"
#include "raft/status.h"
#include "raft/storage.h"

namespace coord::raft {

class RaftLog {
 public:
  RaftLog(const Storage* storage, uint64_t max_committed_size_per_ready);

  uint64_t FirstIndex() const;
  uint64_t LastIndex() const;
  uint64_t LastTerm() const;
  // kCompacted below the first index minus one, kUnavailable past the last index.
  Result<uint64_t> Term(uint64_t i) const;
  // Term(i), or 0 when it is not known (compacted or beyond the log).
  uint64_t TermOrZero(uint64_t i) const;
  bool MatchTerm(uint64_t i, uint64_t term) const;
  // Raft's "at least as up to date" rule (paper section 5.4.1) for a candidate's last entry.
  bool IsUpToDate(uint64_t last_index, uint64_t last_term) const;

  // Follower side of an append: if the entry at `index` has `log_term`, appends `entries`
  // (truncating conflicting ones), advances commit to min(commit, last new index) and
  // returns the last new index; nullopt when the logs do not match at `index`.
  std::optional<uint64_t> MaybeAppend(uint64_t index, uint64_t log_term, uint64_t commit,
                                      const google::protobuf::RepeatedPtrField<pb::Entry>& entries);
  // Appends entries that must follow on from the log (the leader's own proposals).
  uint64_t Append(std::vector<pb::Entry> entries);

  // Fast backtracking: the largest index <= `index` whose term is <= `term`, with that term.
  std::pair<uint64_t, uint64_t> FindConflictByTerm(uint64_t index, uint64_t term) const;

  // Entries in [lo, hi) up to max_bytes (at least one).
  Result<std::vector<pb::Entry>> Slice(uint64_t lo, uint64_t hi, uint64_t max_bytes) const;

  uint64_t committed() const { return committed_; }
  uint64_t applied() const { return applied_; }
  void CommitTo(uint64_t index);
  void AppliedTo(uint64_t index);

  // Committed entries not yet handed out for applying (bounded by max size per Ready).
  bool HasNextCommittedEntries() const;
  std::vector<pb::Entry> NextCommittedEntries() const;

  // The unstable tail and snapshot, to be persisted by the application.
  const std::vector<pb::Entry>& UnstableEntries() const { return unstable_entries_; }
  const std::optional<pb::Snapshot>& UnstableSnapshot() const { return unstable_snapshot_; }
  // The application persisted entries up to (index, term) / the snapshot at `index`.
  void StableTo(uint64_t index, uint64_t term);
  void StableSnapshotTo(uint64_t index);
  // Index of the last entry known to be durable on this node.
  uint64_t LastStableIndex() const;

  // Replaces the whole log with a snapshot received from the leader.
  void Restore(const pb::Snapshot& snapshot);
  // The latest snapshot: the unstable one if any, else Storage's.
  Result<pb::Snapshot> Snapshot() const;

 private:
  // Removes unstable entries from `index` on and appends `entries` (which start at `index`).
  void TruncateAndAppend(std::vector<pb::Entry> entries);
  // Index of the first entry of `entries` whose term differs from ours, 0 if none.
  uint64_t FindConflict(const google::protobuf::RepeatedPtrField<pb::Entry>& entries) const;

  const Storage* storage_;
  uint64_t max_committed_size_per_ready_;

  std::optional<pb::Snapshot> unstable_snapshot_;
  std::vector<pb::Entry> unstable_entries_;
  uint64_t unstable_offset_;  // index of unstable_entries_[0]

  uint64_t committed_;
  uint64_t applied_;
};

}  // namespace coord::raft
