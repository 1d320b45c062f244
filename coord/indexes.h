// Derived indexes: facts about the tree kept sorted so that bulk deletions and the leader's
// reaper never scan the whole tree. They are functions of the nodes alone, so snapshots do
// not carry them; Restore rebuilds them (state.h: RebuildIndexes).
//
//   ephemerals        (owner session, path) of every ephemeral node: closing or expiring a
//                     session deletes exactly the range of its id, like ZooKeeper's
//                     per-session ephemeral sets.
//   ttl_deadlines     (mtime + ttl, path) of every childless TTL node: what is due is a
//                     prefix of this order.
//   empty_containers  path of every container that has had children (cversion > 0) and has
//                     none left: each is due at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "coord/persistent_set.h"

namespace coord::store {

struct EphemeralEntry {
  uint64_t owner = 0;
  std::string path;
};
struct EphemeralKey {
  uint64_t owner;
  std::string_view path;
};
struct EphemeralOrder {
  static int Compare(const EphemeralEntry& a, const EphemeralKey& b) {
    if (a.owner != b.owner) return a.owner < b.owner ? -1 : 1;
    int c = std::string_view(a.path).compare(b.path);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  static int Compare(const EphemeralEntry& a, const EphemeralEntry& b) {
    return Compare(a, EphemeralKey{b.owner, b.path});
  }
};
using EphemeralIndex = PersistentSet<EphemeralEntry, EphemeralOrder>;

struct TtlEntry {
  int64_t deadline_ms = 0;
  std::string path;
};
struct TtlKey {
  int64_t deadline_ms;
  std::string_view path;
};
struct TtlOrder {
  static int Compare(const TtlEntry& a, const TtlKey& b) {
    if (a.deadline_ms != b.deadline_ms) return a.deadline_ms < b.deadline_ms ? -1 : 1;
    int c = std::string_view(a.path).compare(b.path);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  static int Compare(const TtlEntry& a, const TtlEntry& b) {
    return Compare(a, TtlKey{b.deadline_ms, b.path});
  }
};
using TtlIndex = PersistentSet<TtlEntry, TtlOrder>;

struct PathOrder {
  static int Compare(const std::string& a, std::string_view b) {
    int c = std::string_view(a).compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  static int Compare(const std::string& a, const std::string& b) {
    return Compare(a, std::string_view(b));
  }
};
using ContainerIndex = PersistentSet<std::string, PathOrder>;

// A TTL node's deadline, saturating instead of overflowing on absurd times.
inline int64_t TtlDeadline(int64_t mtime, int64_t ttl_ms) {
  if (ttl_ms > 0 && mtime > INT64_MAX - ttl_ms) return INT64_MAX;
  return mtime + ttl_ms;
}

}  // namespace coord::store
