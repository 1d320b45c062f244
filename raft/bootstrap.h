// Bootstrap: how a brand-new cluster's membership enters the log.
//
// Every node of a new cluster starts with the same log: one committed conf-change entry per
// initial member (term 1, indexes 1..n), and a hard state with term 1 and commit n. Membership
// therefore lives only in the log and in snapshots: a node added later replays these entries
// like any other and learns the whole configuration, and the entries are identical on every
// node, so log matching holds from the start.
#pragma once

#include <vector>

#include "raft/raft.pb.h"

namespace coord::raft {

inline std::vector<pb::Entry> BootstrapEntries(const pb::ConfState& initial) {
  std::vector<pb::Entry> entries;
  auto add = [&](uint64_t id, pb::ConfChangeType type) {
    pb::ConfChange cc;
    cc.set_type(type);
    cc.set_node_id(id);
    pb::Entry e;
    e.set_term(1);
    e.set_index(entries.size() + 1);
    e.set_type(pb::ENTRY_CONF_CHANGE);
    e.set_data(cc.SerializeAsString());
    entries.push_back(std::move(e));
  };
  for (uint64_t v : initial.voters()) add(v, pb::ADD_VOTER);
  for (uint64_t l : initial.learners()) add(l, pb::ADD_LEARNER);
  return entries;
}

inline pb::HardState BootstrapHardState(const pb::ConfState& initial) {
  pb::HardState hs;
  const uint64_t n = initial.voters_size() + initial.learners_size();
  if (n > 0) {
    hs.set_term(1);
    hs.set_commit(n);
  }
  return hs;
}

}  // namespace coord::raft
