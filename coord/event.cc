#include "coord/event.h"

namespace coord::store {

const char* EventTypeName(EventType type) {
  switch (type) {
    case EventType::kCreated: return "created";
    case EventType::kDeleted: return "deleted";
    case EventType::kDataChanged: return "data_changed";
    case EventType::kChildrenChanged: return "children_changed";
  }
  return "unknown";
}

}  // namespace coord::store
