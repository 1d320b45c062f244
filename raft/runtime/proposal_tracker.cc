#include "raft/runtime/proposal_tracker.h"

#include <vector>

namespace coord::raft {

void ProposalTracker::Add(uint64_t index, uint64_t term, Clock::time_point deadline,
                          Callback done) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_[index] = Pending{term, deadline, std::move(done)};
}

void ProposalTracker::Resolve(uint64_t index, uint64_t term, const std::string& response) {
  Pending p;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(index);
    if (it == pending_.end()) return;
    p = std::move(it->second);
    pending_.erase(it);
  }
  if (p.term == term) {
    p.done(response);
  } else {
    // Another leader's entry won this index: ours was never applied and never will be.
    p.done(Status::ProposalDropped("leadership changed before the write committed"));
  }
}

void ProposalTracker::ExpireDeadlines(Clock::time_point now) {
  std::vector<Callback> expired;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.deadline <= now) {
        expired.push_back(std::move(it->second.done));
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& cb : expired) cb(Status::Timeout("no outcome before the deadline; it may still apply"));
}

void ProposalTracker::FailAll(const Status& status) {
  std::map<uint64_t, Pending> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(pending_);
  }
  for (auto& [index, p] : all) p.done(status);
}

size_t ProposalTracker::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

}  // namespace coord::raft
