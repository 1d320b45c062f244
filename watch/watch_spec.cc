#include "watch/watch_spec.h"

namespace coord::watch {

using store::EventType;

const char* WatchKindName(WatchKind kind) {
  switch (kind) {
    case WatchKind::kData: return "data";
    case WatchKind::kChildren: return "children";
    case WatchKind::kPersistent: return "persistent";
    case WatchKind::kPersistentRecursive: return "recursive";
  }
  return "unknown";
}

std::optional<WatchKind> ParseWatchKind(std::string_view name) {
  for (WatchKind kind : {WatchKind::kData, WatchKind::kChildren, WatchKind::kPersistent,
                         WatchKind::kPersistentRecursive}) {
    if (name == WatchKindName(kind)) return kind;
  }
  return std::nullopt;
}

bool IsSelfOrDescendant(std::string_view path, std::string_view ancestor) {
  if (ancestor == "/") return true;
  if (!path.starts_with(ancestor)) return false;
  // Equal, or the next byte starts a new component ("/a/b" under "/a", "/ab" not).
  return path.size() == ancestor.size() || path[ancestor.size()] == '/';
}

bool Matches(const WatchSpec& spec, EventType type, std::string_view path) {
  switch (spec.kind) {
    case WatchKind::kData:
      return path == spec.path && type != EventType::kChildrenChanged;
    case WatchKind::kChildren:
      return path == spec.path &&
             (type == EventType::kChildrenChanged || type == EventType::kDeleted);
    case WatchKind::kPersistent:
      return path == spec.path;
    case WatchKind::kPersistentRecursive:
      return type != EventType::kChildrenChanged && IsSelfOrDescendant(path, spec.path);
  }
  return false;
}

}  // namespace coord::watch
