// WatchSpec: what a watch is on (a path) and which events it wants (its kind), and the one
// function that decides whether an event matches it. The registry's index (watch_registry.h)
// and the per-watcher filtering at Drain both answer to Matches(); the table in
// tests/watch/watch_spec_test.cc pins it down.
//
// Kinds, following ZooKeeper (getData/exists, getChildren, and 3.6's addWatch):
//
//   kind                  fires on                                        one-shot
//   kData                 created, data_changed, deleted of `path`        yes
//   kChildren             children_changed of `path`; deleted of `path`   yes
//                         (as ZooKeeper: a child watch on a node that is
//                         deleted fires rather than waiting forever)
//   kPersistent           every event of `path` itself                    no
//   kPersistentRecursive  created, data_changed, deleted of `path` and    no
//                         every path below it; no children_changed
//                         (as ZooKeeper: the children's own created /
//                         deleted events already say it)
//
// "Below" is by components: "/ab" is not below "/a"; every path is below "/".
// All functions here are pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "coord/event.h"

namespace coord::watch {

enum class WatchKind : uint8_t {
  kData = 0,
  kChildren = 1,
  kPersistent = 2,
  kPersistentRecursive = 3,
};

// "data", "children", "persistent", "recursive": the names the HTTP API uses.
const char* WatchKindName(WatchKind kind);
std::optional<WatchKind> ParseWatchKind(std::string_view name);

// One-shot watches fire once and are then done; persistent ones stream until cancelled.
inline bool IsOneShot(WatchKind kind) {
  return kind == WatchKind::kData || kind == WatchKind::kChildren;
}

struct WatchSpec {
  std::string path;
  WatchKind kind = WatchKind::kData;

  bool operator==(const WatchSpec&) const = default;
};

// True when `path` is `ancestor` or lies below it. REQUIRES: both are valid paths.
bool IsSelfOrDescendant(std::string_view path, std::string_view ancestor);

// Whether an event of `type` on `path` is one `spec` wants (the table above).
bool Matches(const WatchSpec& spec, store::EventType type, std::string_view path);
inline bool Matches(const WatchSpec& spec, const store::Event& event) {
  return Matches(spec, event.type, event.path);
}

}  // namespace coord::watch
