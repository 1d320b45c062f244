// WatchRegistry: the index from an event to the watches it fires, so that the cost of an
// event is O(depth of its path + watches it matches), never O(all watches).
//
// One hash map from path to the watches on that path, split by kind. An event on P looks up
// P (data, child, persistent and recursive watches on P itself) and, only while any recursive
// watch exists and the event is not children_changed, each proper ancestor of P (recursive
// watches above it): one lookup per path component. Each list holds only watches of one kind
// on one path, so every entry visited is a match: nothing unrelated is ever scanned.
// Adding and removing are O(1) (a removed entry's slot is filled by the list's last one).
//
// The registry does not own entries; the hub embeds one in each Watcher and removes it before
// the Watcher goes away.
//
// Thread-safety: none; the hub calls it under its lock.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "watch/watch_spec.h"

namespace coord::watch {

// A watch as the registry sees it: its spec, and where the registry keeps it.
class RegistryEntry {
 public:
  explicit RegistryEntry(WatchSpec spec) : spec_(std::move(spec)) {}
  RegistryEntry(const RegistryEntry&) = delete;
  RegistryEntry& operator=(const RegistryEntry&) = delete;

  const WatchSpec& spec() const { return spec_; }
  // Whether it is in a registry now.
  bool registered() const { return slot_ != kNoSlot; }

 private:
  friend class WatchRegistry;
  static constexpr size_t kNoSlot = static_cast<size_t>(-1);

  const WatchSpec spec_;
  size_t slot_ = kNoSlot;  // index in the registry's list for (path, kind)
};

class WatchRegistry {
 public:
  WatchRegistry() = default;
  WatchRegistry(const WatchRegistry&) = delete;
  WatchRegistry& operator=(const WatchRegistry&) = delete;

  // REQUIRES: !entry->registered(). `entry` must outlive its registration.
  void Add(RegistryEntry* entry);
  // REQUIRES: `entry` was added here and not removed since.
  void Remove(RegistryEntry* entry);

  // Calls fn(RegistryEntry*) once for every registered entry whose spec Matches(type, path)
  // (watch_spec.h), in no particular order. fn must not Add or Remove. Returns the number of
  // map lookups made: 1, or 1 + depth(path) while recursive watches exist (for tests of the
  // cost claim).
  size_t ForEachMatch(store::EventType type, std::string_view path,
                      const std::function<void(RegistryEntry*)>& fn) const;

  size_t size() const { return size_; }
  size_t path_count() const { return paths_.size(); }

 private:
  using List = std::vector<RegistryEntry*>;
  struct PathWatches {
    List by_kind[4];  // indexed by WatchKind
    bool empty() const;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  List& ListFor(const WatchSpec& spec);

  std::unordered_map<std::string, PathWatches, Hash, std::equal_to<>> paths_;
  size_t size_ = 0;
  size_t recursive_ = 0;  // recursive entries: while 0, events skip the ancestor walk
};

}  // namespace coord::watch
