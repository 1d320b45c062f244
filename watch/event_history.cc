#include "watch/event_history.h"

#include <algorithm>
#include <string>

#include "raft/invariant.h"

namespace coord::watch {

EventHistory::EventHistory(size_t capacity_events, uint64_t start_zxid)
    : capacity_(capacity_events), compacted_through_(start_zxid), newest_(start_zxid) {}

void EventHistory::Append(BatchPtr batch) {
  COORD_INVARIANT(batch->zxid > newest_, "watch.history_zxid_increases",
                  "batch " + std::to_string(batch->zxid) + " after " + std::to_string(newest_));
  newest_ = batch->zxid;
  events_ += batch->events.size();
  batches_.push_back(std::move(batch));
  while (events_ > capacity_) {
    const BatchPtr& oldest = batches_.front();
    compacted_through_ = oldest->zxid;
    events_ -= oldest->events.size();
    batches_.pop_front();
  }
}

void EventHistory::ResetAt(uint64_t zxid) {
  COORD_INVARIANT(zxid >= newest_, "watch.history_reset_forward",
                  "reset to " + std::to_string(zxid) + " after " + std::to_string(newest_));
  batches_.clear();
  events_ = 0;
  compacted_through_ = zxid;
  newest_ = zxid;
}

size_t EventHistory::FirstAfter(uint64_t since) const {
  auto it = std::upper_bound(batches_.begin(), batches_.end(), since,
                             [](uint64_t z, const BatchPtr& b) { return z < b->zxid; });
  return static_cast<size_t>(it - batches_.begin());
}

}  // namespace coord::watch
