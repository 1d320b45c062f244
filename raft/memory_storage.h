// MemoryStorage: a Storage kept in memory, for tests and the simulation.
//
// The application writes into it what each Ready hands over; the core only reads. "Durable"
// here means "in this object": the simulation models a crash by keeping the MemoryStorage
// and discarding the RawNode, so everything not yet written here is lost.
//
// Thread-safety: none; one owner.
#pragma once

#include <vector>

#include "raft/storage.h"

namespace coord::raft {

class MemoryStorage : public Storage {
 public:
  // A fresh log. A non-empty `initial` bootstraps a new cluster with those members (see
  // bootstrap.h); an empty one is a node that learns everything from the leader.
  explicit MemoryStorage(const pb::ConfState& initial = {});

  Result<InitialState> GetInitialState() const override;
  Result<std::vector<pb::Entry>> Entries(uint64_t lo, uint64_t hi,
                                         uint64_t max_bytes) const override;
  Result<uint64_t> Term(uint64_t i) const override;
  uint64_t FirstIndex() const override;
  uint64_t LastIndex() const override;
  Result<pb::Snapshot> GetSnapshot() const override;

  void SetHardState(const pb::HardState& hard_state);
  // Appends entries, replacing any stored entries at the same or later indexes. Entries must
  // be contiguous and may not start past LastIndex() + 1 or at/below the snapshot index.
  Status Append(const std::vector<pb::Entry>& entries);
  // Replaces the whole log with `snapshot` (a snapshot received from the leader).
  Status ApplySnapshot(const pb::Snapshot& snapshot);
  // Records a snapshot of the application's state taken at `index` (<= LastIndex()).
  Result<pb::Snapshot> CreateSnapshot(uint64_t index, const pb::ConfState& conf_state,
                                      std::string data);
  // Discards entries up to and including `index`, which must not exceed the latest snapshot's
  // index: a leader must be able to send either the entries or a snapshot covering them.
  Status Compact(uint64_t index);

 private:
  pb::HardState hard_state_;
  pb::Snapshot snapshot_;
  // entries_[0] is a dummy standing for the entry at the compaction point: its index and term
  // are those of the last compacted entry (or 0/0).
  std::vector<pb::Entry> entries_;
};

}  // namespace coord::raft
