// StoreFeed: connects a store::Store's events to a WatchHub, at the right moment.
//
// The Store hands a write's events to its listener inside the write, on the apply thread.
// Watchers must not see them before a read on this node can see the write (a client that
// reads after an event must find at least that state), and reads here may be served from a
// view the runtime publishes only after Apply returns. So the feed's listener only buffers;
// the apply loop calls Applied(zxid) once the entry is applied and visible, for every entry
// (with or without events: the zxid still advances, for positions and bookmarks).
//
//   StoreFeed feed(&hub);
//   store.SetEventListener(feed.Listener());
//   ... apply entry `index` ..., publish the view ..., feed.Applied(index);
//   ... after a snapshot install at `index`: feed.Restored(index);
//
// Thread-safety: apply thread only, like the Store. The hub must outlive the feed, and the
// feed the Store's listener.
#pragma once

#include <cstdint>

#include "coord/event.h"
#include "coord/store.h"
#include "watch/watch_hub.h"

namespace coord::watch {

class StoreFeed {
 public:
  explicit StoreFeed(WatchHub* hub) : hub_(hub) {}
  StoreFeed(const StoreFeed&) = delete;
  StoreFeed& operator=(const StoreFeed&) = delete;

  // For Store::SetEventListener: keeps the write's events until Applied.
  store::Store::EventListener Listener();

  // Entry `zxid` is applied and visible to reads: hands its buffered events (if any) to the
  // hub. REQUIRES: zxid > the hub's applied_zxid(); the buffered events are all at `zxid`.
  void Applied(uint64_t zxid);

  // A snapshot at `zxid` replaced the state (the Store delivers no events for it).
  void Restored(uint64_t zxid);

 private:
  WatchHub* const hub_;
  store::EventList pending_;
};

}  // namespace coord::watch
