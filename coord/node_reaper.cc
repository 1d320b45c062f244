#include "coord/node_reaper.h"

#include <algorithm>

#include "coord/codec.h"
#include "coord/tree_ops.h"

namespace coord::store {

bool NodeReaper::Pending(const std::string& path, uint64_t mzxid, int64_t now_ms) const {
  auto it = in_flight_.find(path);
  return it != in_flight_.end() && it->second.mzxid == mzxid && it->second.retry_at_ms > now_ms;
}

std::vector<pb::Command> NodeReaper::Poll(const State& state, int64_t now_ms) {
  // Decisions whose retry time has come are forgotten: re-decided below if still due.
  std::erase_if(in_flight_, [&](const auto& kv) { return kv.second.retry_at_ms <= now_ms; });

  std::vector<pb::Command> out;
  const CommandHeader header{now_ms, 0, 0};
  for (auto it = state.ttl_deadlines.Begin(); it.Valid() && it->deadline_ms <= now_ms;
       it.Next()) {
    const NodeRef* node = FindNode(state, it->path);
    if (!node) continue;  // cannot happen: the index follows the tree
    const uint64_t mzxid = (*node)->meta().mzxid;
    if (Pending(it->path, mzxid, now_ms)) continue;
    out.push_back(MakeCommand(header, ReapRequest{it->path, ReapKind::kTtl, mzxid}));
    in_flight_[it->path] = Decision{mzxid, now_ms + retry_ms_};
  }
  for (auto it = state.empty_containers.Begin(); it.Valid(); it.Next()) {
    if (Pending(*it, 0, now_ms)) continue;
    out.push_back(MakeCommand(header, ReapRequest{*it, ReapKind::kContainer, 0}));
    in_flight_[*it] = Decision{0, now_ms + retry_ms_};
  }
  return out;
}

std::optional<int64_t> NodeReaper::NextDeadline(const State& state, int64_t now_ms) const {
  std::optional<int64_t> next;
  auto consider = [&](int64_t t) { next = next ? std::min(*next, t) : t; };
  for (const auto& [path, decision] : in_flight_) consider(decision.retry_at_ms);
  for (auto it = state.ttl_deadlines.Begin(); it.Valid(); it.Next()) {
    const NodeRef* node = FindNode(state, it->path);
    if (node && Pending(it->path, (*node)->meta().mzxid, now_ms)) continue;
    consider(std::max(it->deadline_ms, now_ms));
    break;
  }
  for (auto it = state.empty_containers.Begin(); it.Valid(); it.Next()) {
    if (Pending(*it, 0, now_ms)) continue;
    consider(now_ms);
    break;
  }
  return next;
}

}  // namespace coord::store
