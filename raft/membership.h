// Membership arithmetic: the configuration that results from one conf change. Pure, so the
// core and the runtime (which tracks the membership as of its applied index for snapshots)
// compute it identically.
#pragma once

#include <set>

#include "raft/raft.pb.h"

namespace coord::raft {

// The configuration after applying `change` to `current`. ADD_VOTER adds or promotes;
// ADD_LEARNER adds a learner (never demotes a voter); REMOVE_NODE removes either. A change that
// would leave no voter is ignored (the leader refuses to propose one). Ids come out sorted.
inline pb::ConfState NextConfState(const pb::ConfState& current, const pb::ConfChange& change) {
  std::set<uint64_t> voters(current.voters().begin(), current.voters().end());
  std::set<uint64_t> learners(current.learners().begin(), current.learners().end());
  const uint64_t node = change.node_id();
  switch (change.type()) {
    case pb::ADD_VOTER:
      learners.erase(node);
      voters.insert(node);
      break;
    case pb::ADD_LEARNER:
      if (!voters.count(node)) learners.insert(node);
      break;
    case pb::REMOVE_NODE:
      voters.erase(node);
      learners.erase(node);
      break;
    default:
      return current;
  }
  if (voters.empty()) return current;
  pb::ConfState next;
  for (uint64_t v : voters) next.add_voters(v);
  for (uint64_t l : learners) next.add_learners(l);
  return next;
}

}  // namespace coord::raft
