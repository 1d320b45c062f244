// Event: one change to the tree, for the watch manager.
//
// Each applied command that changes the tree yields its events in order, all stamped with the
// command's zxid (every event of one multi shares it). ZooKeeper's mapping: a create yields
// kCreated for the node and kChildrenChanged for its parent; a delete yields kDeleted and
// kChildrenChanged for the parent; a set yields kDataChanged. Failed commands (and failed
// multis, as a whole) yield none.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace coord::store {

enum class EventType : uint8_t {
  kCreated = 0,
  kDeleted = 1,
  kDataChanged = 2,
  kChildrenChanged = 3,
};

const char* EventTypeName(EventType type);

struct Event {
  EventType type;
  std::string path;
  uint64_t zxid;

  bool operator==(const Event&) const = default;
};

using EventList = std::vector<Event>;

}  // namespace coord::store
