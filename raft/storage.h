// Storage: the core's read-only view of what has been persisted.
//
// The core never writes to Storage. The application persists what each Ready hands it (hard
// state, entries, snapshot) into its Storage implementation, then calls RawNode::Advance().
// Implementations: MemoryStorage (tests, simulation) and the leveldb one in the runtime.
//
// Thread-safety: the core calls these from the thread that drives it; an implementation that
// is also written from another thread must synchronize internally.
#pragma once

#include <cstdint>
#include <vector>

#include "raft/raft.pb.h"
#include "raft/status.h"

namespace coord::raft {

struct InitialState {
  pb::HardState hard_state;
  pb::ConfState conf_state;  // membership as of the latest snapshot (or the bootstrap config)
};

class Storage {
 public:
  virtual ~Storage() = default;

  virtual Result<InitialState> GetInitialState() const = 0;

  // Entries in [lo, hi), stopping early once their total byte size would exceed max_bytes
  // (but always at least one entry). kCompacted if lo <= the snapshot index; kUnavailable if
  // hi > LastIndex() + 1.
  virtual Result<std::vector<pb::Entry>> Entries(uint64_t lo, uint64_t hi,
                                                 uint64_t max_bytes) const = 0;

  // The term of entry i. i may equal FirstIndex() - 1 (the snapshot's last entry).
  // kCompacted for older indexes; kUnavailable beyond LastIndex().
  virtual Result<uint64_t> Term(uint64_t i) const = 0;

  // The first index still available as an entry (snapshot index + 1).
  virtual uint64_t FirstIndex() const = 0;
  // The last index persisted; equals FirstIndex() - 1 when the log is empty.
  virtual uint64_t LastIndex() const = 0;

  // The most recent snapshot. kSnapshotUnavailable if it is being produced.
  virtual Result<pb::Snapshot> GetSnapshot() const = 0;
};

}  // namespace coord::raft
