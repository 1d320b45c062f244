// ProposalTracker: proposals waiting for their outcome.
//
// A proposal appended at (index, term) took effect iff the entry applied at `index` has that
// term (raw_node.h). The apply thread resolves each applied index; anything else that ends a
// wait (deadline, shutdown) reports an outcome-unknown error, never "failed".
//
// Thread-safety: all members may be called from any thread. Callbacks run on the calling
// thread, outside the lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "raft/status.h"

namespace coord::raft {

class ProposalTracker {
 public:
  using Clock = std::chrono::steady_clock;
  // Receives the state machine's response, or: kProposalDropped (certainly not applied),
  // kTimeout / kShutdown (outcome unknown).
  using Callback = std::function<void(Result<std::string>)>;

  void Add(uint64_t index, uint64_t term, Clock::time_point deadline, Callback done);
  // The entry at `index` was applied with `term`, producing `response`.
  void Resolve(uint64_t index, uint64_t term, const std::string& response);
  // Fails every proposal whose deadline has passed with kTimeout.
  void ExpireDeadlines(Clock::time_point now);
  void FailAll(const Status& status);
  size_t size() const;

 private:
  struct Pending {
    uint64_t term;
    Clock::time_point deadline;
    Callback done;
  };
  mutable std::mutex mu_;
  std::map<uint64_t, Pending> pending_;  // GUARDED_BY(mu_); by index
};

}  // namespace coord::raft
