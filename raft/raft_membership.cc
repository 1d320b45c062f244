#include "raft/raft.h"

#include <algorithm>
#include <string>

#include "raft/membership.h"

namespace coord::raft {

// Membership: the progress map follows the configuration; conf changes apply when applied.

void Raft::SetMembership(const pb::ConfState& cs) {
  voters_ = std::set<uint64_t>(cs.voters().begin(), cs.voters().end());
  learners_ = std::set<uint64_t>(cs.learners().begin(), cs.learners().end());
  std::map<uint64_t, Progress> old = std::move(prs_);
  prs_.clear();
  for (uint64_t v : voters_) AddProgress(v, false);
  for (uint64_t l : learners_) AddProgress(l, true);
  for (auto& [id, pr] : prs_) {
    auto it = old.find(id);
    if (it != old.end()) {
      const bool learner = pr.is_learner;
      pr = std::move(it->second);
      pr.is_learner = learner;
    }
  }
}

void Raft::AddProgress(uint64_t id, bool learner) {
  auto [it, inserted] =
      prs_.try_emplace(id, log_.LastIndex() + 1, config_.max_inflight_msgs, 0);
  it->second.is_learner = learner;
  // A new member counts as active so check-quorum does not depose the leader at once.
  if (inserted) it->second.recent_active = true;
  if (id == id_) it->second.match = log_.LastStableIndex();
}

void Raft::ApplyConfChange(const pb::ConfChange& cc) {
  SetMembership(NextConfState(conf_state(), cc));
  if (role_ != Role::kLeader) return;
  if (!Promotable()) {
    // The leader removed itself (or was demoted): hand over by stepping down.
    BecomeFollower(term_, 0);
    return;
  }
  if (lead_transferee_ != 0 && !voters_.count(lead_transferee_)) AbortLeaderTransfer();
  // A smaller quorum may already cover more entries, and new members need the log.
  MaybeCommit();
  BroadcastAppend();
  ReleaseReads();
}

}  // namespace coord::raft
