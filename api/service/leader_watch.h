// LeaderWatch: the leader as the runtime last reported it, readable from any thread.
//
// It exists before the RaftNode (whose Start takes the leader-change callback) so that no
// report is lost between the node's first election and the wiring of the services that care;
// those read it when they need it instead of being called back.
//
// Thread-safety: OnLeaderChange is called by the Raft thread, one call at a time; the readers
// may run on any thread. leader() and term() are each atomic, not a consistent pair.
#pragma once

#include <atomic>
#include <cstdint>

namespace coord::api::service {

class LeaderWatch {
 public:
  void OnLeaderChange(uint64_t leader, uint64_t term) {
    term_.store(term, std::memory_order_relaxed);
    leader_.store(leader, std::memory_order_release);
    changes_.fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t leader() const { return leader_.load(std::memory_order_acquire); }
  uint64_t term() const { return term_.load(std::memory_order_relaxed); }
  uint64_t changes() const { return changes_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> leader_{0};
  std::atomic<uint64_t> term_{0};
  std::atomic<uint64_t> changes_{0};
};

}  // namespace coord::api::service
