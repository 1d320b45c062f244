// EventBatch: the events of one applied write, all stamped with its zxid. The unit of
// delivery: a watcher receives a write's matching events together or not at all, which is
// what makes a multi atomic to watchers.
//
// The hub builds one immutable batch per write and shares it (BatchPtr) between the history
// and every queue it is pushed to; a watcher copies out only its matching events at Drain.
#pragma once

#include <cstdint>
#include <memory>

#include "coord/event.h"

namespace coord::watch {

struct EventBatch {
  uint64_t zxid = 0;
  store::EventList events;  // in the order the write produced them; every event.zxid == zxid

  bool operator==(const EventBatch&) const = default;
};

using BatchPtr = std::shared_ptr<const EventBatch>;

}  // namespace coord::watch
