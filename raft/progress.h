// Progress: the leader's view of one follower's log, and the flow control of appends to it.
//
// States (as in etcd-io/raft):
//  - kProbe: the leader does not know where the logs match; it sends one append per heartbeat
//    interval and backs `next` off on rejection.
//  - kReplicate: the logs match up to `match`; appends are pipelined optimistically, bounded by
//    Inflights (count and bytes).
//  - kSnapshot: the follower needs a snapshot; chunks are sent one at a time, each
//    acknowledged before the next (retransmitted on heartbeat responses).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>

#include "raft/raft.pb.h"

namespace coord::raft {

// Bounds the appends sent but not yet acknowledged to one follower.
class Inflights {
 public:
  Inflights(int max_count, uint64_t max_bytes) : max_count_(max_count), max_bytes_(max_bytes) {}

  void Add(uint64_t last_index, uint64_t bytes);
  // Frees every in-flight append whose last index is <= `index`.
  void FreeLE(uint64_t index);
  // Frees the oldest in-flight append: used when a heartbeat response shows the follower is
  // alive but the appends that filled the window may all have been lost.
  void FreeFirstOne();
  void Reset();
  bool Full() const;
  size_t Count() const { return items_.size(); }

 private:
  struct Item {
    uint64_t last_index;
    uint64_t bytes;
  };
  int max_count_;
  uint64_t max_bytes_;
  uint64_t bytes_ = 0;
  std::deque<Item> items_;
};

enum class ProgressState { kProbe, kReplicate, kSnapshot };
const char* ProgressStateName(ProgressState state);

struct Progress {
  Progress(uint64_t next_index, int max_inflight, uint64_t max_inflight_bytes)
      : next(next_index), inflights(max_inflight, max_inflight_bytes) {}

  uint64_t match = 0;
  uint64_t next = 1;
  ProgressState state = ProgressState::kProbe;
  bool probe_sent = false;     // kProbe: an append is outstanding this heartbeat interval
  bool recent_active = false;  // heard from it since the last check-quorum round
  bool is_learner = false;
  Inflights inflights;

  // kSnapshot: the snapshot being sent and how far the follower has acknowledged it.
  std::shared_ptr<const pb::Snapshot> snapshot;
  uint64_t snapshot_acked = 0;

  void BecomeProbe();
  void BecomeReplicate();
  void BecomeSnapshot(std::shared_ptr<const pb::Snapshot> snap);

  // Records an acknowledgement up to `index`. Returns false if it was stale.
  bool MaybeUpdate(uint64_t index);
  // Handles a rejection of the append at `rejected`; `hint` is the highest index the logs may
  // match at. Returns false if the rejection was stale.
  bool MaybeDecrTo(uint64_t rejected, uint64_t hint);
  // Records that an append of entries up to `last` (bytes in size) was sent.
  void SentEntries(uint64_t last, uint64_t bytes);
  bool IsPaused() const;
};

}  // namespace coord::raft
