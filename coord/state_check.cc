#include "coord/state_check.h"

#include <limits>
#include <string>

#include "coord/path.h"

namespace coord::store {
namespace {

std::string CheckNodeFields(const State& state, const Node& n) {
  const Node::Meta& m = n.meta();
  const char* broken = nullptr;
  if (m.czxid > m.mzxid || m.czxid > m.pzxid) broken = "czxid after mzxid or pzxid";
  else if (m.mzxid > state.zxid || m.pzxid > state.zxid) broken = "zxid from the future";
  else if (m.num_children < 0) broken = "negative num_children";
  else if (static_cast<uint8_t>(m.kind) > static_cast<uint8_t>(NodeKind::kTtl)) {
    broken = "unknown node kind";
  } else if (m.kind == NodeKind::kEphemeral) {
    if (m.ephemeral_owner == 0) broken = "ephemeral without owner";
    else if (!state.sessions.Find(m.ephemeral_owner)) broken = "ephemeral of a dead session";
    else if (m.num_children != 0) broken = "ephemeral with children";
  } else if (m.ephemeral_owner != 0) {
    broken = "owner on a non-ephemeral node";
  }
  if (!broken && ((m.kind == NodeKind::kTtl) != (m.ttl_ms > 0) || m.ttl_ms < 0)) {
    broken = "TTL on a non-TTL node or none on a TTL node";
  }
  // The message is built only on failure: this runs for every node of a restored snapshot.
  return broken ? std::string(broken) + " at " + std::string(n.path()) : std::string();
}

// Closes the run of children of `parent` (count of them): the parent must exist, accept
// children and count exactly these.
std::string CheckChildRun(const State& state, const std::string& parent, int64_t count) {
  const NodeRef* p = state.nodes.Find(PathKey::Of(parent));
  if (!p) return "parent missing for children of " + parent;
  if ((*p)->kind() == NodeKind::kEphemeral) return "children under ephemeral " + parent;
  if ((*p)->meta().num_children != count) {
    return "num_children of " + parent + " is " + std::to_string((*p)->meta().num_children) +
           " but it has " + std::to_string(count);
  }
  return "";
}

template <typename Set>
bool SameEntries(const Set& a, const Set& b) {
  if (a.size() != b.size()) return false;
  auto x = a.Begin();
  auto y = b.Begin();
  for (; x.Valid() && y.Valid(); x.Next(), y.Next()) {
    if (Set::order_type::Compare(*x, *y) != 0) return false;
  }
  return !x.Valid() && !y.Valid();
}

}  // namespace

std::string CheckTree(const State& state) {
  auto it = state.nodes.Begin();
  if (!it.Valid() || (*it)->path() != kRootPath) return "no root";
  if ((*it)->kind() != NodeKind::kPersistent) return "root is not persistent";

  Options lax;
  lax.max_path_bytes = std::numeric_limits<size_t>::max();
  int64_t child_total = 0;
  int64_t declared_total = 0;
  std::string run_parent;
  int64_t run_count = 0;
  for (; it.Valid(); it.Next()) {
    const Node& n = **it;
    if (Status st = ValidatePath(n.path(), lax); !st.ok()) return st.message();
    if (std::string err = CheckNodeFields(state, n); !err.empty()) return err;
    declared_total += n.meta().num_children;
    if (n.path() == kRootPath) continue;
    ++child_total;
    if (n.key().parent != run_parent) {
      if (run_count > 0) {
        if (std::string err = CheckChildRun(state, run_parent, run_count); !err.empty()) {
          return err;
        }
      }
      run_parent = std::string(n.key().parent);
      run_count = 0;
    }
    ++run_count;
  }
  if (run_count > 0) {
    if (std::string err = CheckChildRun(state, run_parent, run_count); !err.empty()) return err;
  }
  // Every run matched its parent's count; if the totals agree too, no other node claims
  // children it does not have.
  if (declared_total != child_total) return "num_children do not add up to the node count";

  int64_t cached = 0;
  for (auto s = state.sessions.Begin(); s.Valid(); s.Next()) {
    if (s->id == 0 || s->id > state.zxid) return "session id out of range";
    if (s->ttl_ms <= 0) return "session without TTL";
    cached += s->cached_responses;
  }
  if (static_cast<size_t>(cached) != state.dedup.size()) return "cached response count mismatch";
  uint64_t session = 0;
  int64_t run = 0;
  for (auto d = state.dedup.Begin();; d.Next()) {
    if (!d.Valid() || d->session_id != session) {
      if (session != 0) {
        const Session* s = state.sessions.Find(session);
        if (!s) return "cached response of a dead session";
        if (s->cached_responses != run) return "cached responses miscounted";
      }
      if (!d.Valid()) break;
      session = d->session_id;
      run = 0;
    }
    if (!d->response) return "cached response missing";
    ++run;
  }
  return "";
}

std::string CheckState(const State& state) {
  if (std::string err = CheckTree(state); !err.empty()) return err;
  for (const std::string& err :
       {state.nodes.CheckInvariants(), state.sessions.CheckInvariants(),
        state.dedup.CheckInvariants(), state.ephemerals.CheckInvariants(),
        state.ttl_deadlines.CheckInvariants(), state.empty_containers.CheckInvariants()}) {
    if (!err.empty()) return "persistent set: " + err;
  }
  State rebuilt = state;
  rebuilt.RebuildIndexes();
  if (!SameEntries(state.ephemerals, rebuilt.ephemerals)) return "ephemeral index stale";
  if (!SameEntries(state.ttl_deadlines, rebuilt.ttl_deadlines)) return "TTL index stale";
  if (!SameEntries(state.empty_containers, rebuilt.empty_containers)) {
    return "container index stale";
  }
  return "";
}

}  // namespace coord::store
