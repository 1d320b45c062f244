// State: the whole replicated state of the store, as a value.
//
// Every member is a persistent structure (persistent_set.h), so copying a State is a handful
// of pointer copies. That one property does three jobs: a snapshot is a copy handed to
// another thread; a read view is a copy; a multi is rolled back by restoring the copy taken
// before it.
//
// Replicated (and snapshotted): zxid, nodes, sessions, dedup. Derived (rebuilt at restore):
// the indexes of indexes.h.
#pragma once

#include <cstdint>

#include "coord/dedup.h"
#include "coord/indexes.h"
#include "coord/node.h"
#include "coord/persistent_set.h"
#include "coord/session.h"

namespace coord::store {

using NodeSet = PersistentSet<NodeRef, NodeOrder>;
using SessionSet = PersistentSet<Session, SessionOrder>;

struct State {
  // The index of the last applied entry, and so the zxid of the last write.
  uint64_t zxid = 0;
  NodeSet nodes;  // always holds the root "/"
  SessionSet sessions;
  DedupTable dedup;

  EphemeralIndex ephemerals;
  TtlIndex ttl_deadlines;
  ContainerIndex empty_containers;

  // A state with only the root, whose stat is all zeros.
  static State Empty();
  // Recomputes the derived indexes from `nodes`.
  void RebuildIndexes();
};

// Membership rules of the derived indexes, shared by the incremental upkeep (tree_ops.cc)
// and the rebuild so the two cannot drift apart.
inline bool BelongsInTtlIndex(const Node::Meta& m) {
  return m.kind == NodeKind::kTtl && m.num_children == 0;
}
inline bool BelongsInContainerIndex(const Node::Meta& m) {
  return m.kind == NodeKind::kContainer && m.num_children == 0 && m.cversion != 0;
}

}  // namespace coord::store
