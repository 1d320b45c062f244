#include "coord/state.h"

namespace coord::store {

State State::Empty() {
  State s;
  s.nodes.Insert(Node::Make(kRootPath, {}, Node::Meta{}));
  return s;
}

void State::RebuildIndexes() {
  ephemerals = {};
  ttl_deadlines = {};
  empty_containers = {};
  for (auto it = nodes.Begin(); it.Valid(); it.Next()) {
    const Node& n = **it;
    const Node::Meta& m = n.meta();
    switch (m.kind) {
      case NodeKind::kEphemeral:
        ephemerals.Insert({m.ephemeral_owner, std::string(n.path())});
        break;
      case NodeKind::kTtl:
        if (BelongsInTtlIndex(m)) {
          ttl_deadlines.Insert({TtlDeadline(m.mtime, m.ttl_ms), std::string(n.path())});
        }
        break;
      case NodeKind::kContainer:
        if (BelongsInContainerIndex(m)) empty_containers.Insert(std::string(n.path()));
        break;
      case NodeKind::kPersistent:
        break;
    }
  }
}

}  // namespace coord::store
