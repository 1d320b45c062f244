#include "coord/digest.h"

#include "coord/hash64.h"

namespace coord::store {

uint64_t Digest(const State& state) {
  Hash64 h(0x636f6f7264);  // "coord"
  h.U64(state.zxid);
  h.U64(state.nodes.size());
  for (auto it = state.nodes.Begin(); it.Valid(); it.Next()) {
    const Node& n = **it;
    const Node::Meta& m = n.meta();
    h.Str(n.path());
    h.Str(n.data());
    h.U64(m.czxid);
    h.U64(m.mzxid);
    h.U64(m.pzxid);
    h.U64(static_cast<uint64_t>(m.ctime));
    h.U64(static_cast<uint64_t>(m.mtime));
    h.U64(m.ephemeral_owner);
    h.U64(static_cast<uint64_t>(m.ttl_ms));
    h.U64(static_cast<uint32_t>(m.version));
    h.U64(static_cast<uint32_t>(m.cversion));
    h.U64(static_cast<uint32_t>(m.num_children));
    h.U64(static_cast<uint64_t>(m.kind));
  }
  h.U64(state.sessions.size());
  for (auto it = state.sessions.Begin(); it.Valid(); it.Next()) {
    h.U64(it->id);
    h.U64(static_cast<uint64_t>(it->ttl_ms));
    h.U64(static_cast<uint64_t>(it->opened_ms));
    h.U64(it->cached_responses);
    h.U64(it->dedup_floor);
  }
  h.U64(state.dedup.size());
  for (auto it = state.dedup.Begin(); it.Valid(); it.Next()) {
    h.U64(it->session_id);
    h.U64(it->request_id);
    h.Str(*it->response);
  }
  return h.Finish();
}

}  // namespace coord::store
