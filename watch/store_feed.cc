#include "watch/store_feed.h"

#include <string>
#include <utility>

#include "raft/invariant.h"

namespace coord::watch {

store::Store::EventListener StoreFeed::Listener() {
  return [this](const store::EventList& events) {
    pending_.insert(pending_.end(), events.begin(), events.end());
  };
}

void StoreFeed::Applied(uint64_t zxid) {
  store::EventList events;
  events.swap(pending_);
  hub_->OnApplied(zxid, std::move(events));
}

void StoreFeed::Restored(uint64_t zxid) {
  COORD_INVARIANT(pending_.empty(), "watch.feed_restore_between_entries",
                  std::to_string(pending_.size()) + " events pending at restore " +
                      std::to_string(zxid));
  hub_->OnRestored(zxid);
}

}  // namespace coord::watch
