#include "watch/watch_registry.h"

#include "raft/invariant.h"

namespace coord::watch {

using store::EventType;

namespace {

size_t KindIndex(WatchKind kind) { return static_cast<size_t>(kind); }

// "/a/b" -> "/a", "/a" -> "/". REQUIRES: path is valid and not "/".
std::string_view Parent(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? std::string_view("/") : path.substr(0, slash);
}

}  // namespace

bool WatchRegistry::PathWatches::empty() const {
  for (const List& list : by_kind) {
    if (!list.empty()) return false;
  }
  return true;
}

WatchRegistry::List& WatchRegistry::ListFor(const WatchSpec& spec) {
  return paths_[spec.path].by_kind[KindIndex(spec.kind)];
}

void WatchRegistry::Add(RegistryEntry* entry) {
  COORD_INVARIANT(!entry->registered(), "watch.registry_add_once", entry->spec().path);
  List& list = ListFor(entry->spec());
  entry->slot_ = list.size();
  list.push_back(entry);
  ++size_;
  if (entry->spec().kind == WatchKind::kPersistentRecursive) ++recursive_;
}

void WatchRegistry::Remove(RegistryEntry* entry) {
  auto it = paths_.find(entry->spec().path);
  COORD_INVARIANT(entry->registered() && it != paths_.end(), "watch.registry_remove_registered",
                  entry->spec().path);
  List& list = it->second.by_kind[KindIndex(entry->spec().kind)];
  size_t slot = entry->slot_;
  COORD_INVARIANT(slot < list.size() && list[slot] == entry, "watch.registry_slot",
                  entry->spec().path);
  list[slot] = list.back();
  list[slot]->slot_ = slot;
  list.pop_back();
  entry->slot_ = RegistryEntry::kNoSlot;
  --size_;
  if (entry->spec().kind == WatchKind::kPersistentRecursive) --recursive_;
  if (it->second.empty()) paths_.erase(it);
}

size_t WatchRegistry::ForEachMatch(EventType type, std::string_view path,
                                   const std::function<void(RegistryEntry*)>& fn) const {
  auto visit = [&fn](const List& list) {
    for (RegistryEntry* entry : list) fn(entry);
  };
  const bool children_changed = type == EventType::kChildrenChanged;
  size_t lookups = 1;
  if (auto it = paths_.find(path); it != paths_.end()) {
    const List* lists = it->second.by_kind;
    if (!children_changed) visit(lists[KindIndex(WatchKind::kData)]);
    if (children_changed || type == EventType::kDeleted) {
      visit(lists[KindIndex(WatchKind::kChildren)]);
    }
    visit(lists[KindIndex(WatchKind::kPersistent)]);
    if (!children_changed) visit(lists[KindIndex(WatchKind::kPersistentRecursive)]);
  }
  if (children_changed || recursive_ == 0) return lookups;
  for (std::string_view p = path; p != "/";) {
    p = Parent(p);
    ++lookups;
    if (auto it = paths_.find(p); it != paths_.end()) {
      visit(it->second.by_kind[KindIndex(WatchKind::kPersistentRecursive)]);
    }
  }
  return lookups;
}

}  // namespace coord::watch
