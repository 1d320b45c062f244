// EventHistory: a bounded window of the most recent event batches, by zxid, so that a client
// that reconnects (to this node or another one fed the same log) resumes where it left off.
//
// The window answers one question exactly: "can every event with zxid > since still be
// replayed?" It can iff since >= compacted_through(), where compacted_through() is the
// highest zxid whose events may be missing here: that of the newest batch evicted, or the
// zxid the history started (or was reset) at, before which this node saw nothing. Writes
// without events leave no trace and need none: there is nothing to miss at their zxid.
//
// Capacity is counted in events (WatchOptions::history_events); the oldest batches go first,
// whole. A batch larger than the capacity is evicted at once (resuming from before it is then
// kCompacted), so the bound is strict.
//
// Thread-safety: none; the hub calls it under its lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

#include "watch/event_batch.h"

namespace coord::watch {

class EventHistory {
 public:
  // Starts empty at `start_zxid`: resuming from an earlier zxid is compacted.
  EventHistory(size_t capacity_events, uint64_t start_zxid);

  // REQUIRES: batch->zxid > newest zxid appended or reset to. Evicts as needed.
  void Append(BatchPtr batch);

  // Forgets everything: nothing before `zxid` can be replayed (snapshot install).
  void ResetAt(uint64_t zxid);

  uint64_t compacted_through() const { return compacted_through_; }
  bool CanResumeFrom(uint64_t since) const { return since >= compacted_through_; }

  // Calls fn(const BatchPtr&) for each retained batch with zxid > since, oldest first, until
  // fn returns false. O(log n + visited).
  template <typename Fn>
  void ForEachAfter(uint64_t since, Fn&& fn) const {
    for (size_t i = FirstAfter(since); i < batches_.size(); ++i) {
      if (!fn(batches_[i])) return;
    }
  }

  size_t batch_count() const { return batches_.size(); }
  size_t event_count() const { return events_; }
  size_t capacity() const { return capacity_; }

 private:
  size_t FirstAfter(uint64_t since) const;

  const size_t capacity_;
  std::deque<BatchPtr> batches_;  // ascending zxid
  size_t events_ = 0;             // sum of batches_[i]->events.size()
  uint64_t compacted_through_;
  uint64_t newest_;               // last zxid appended or reset to
};

}  // namespace coord::watch
