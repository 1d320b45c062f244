// The set workload: clients add unique integers to sets (each element a child node
// /jepsen-set/s<k>/<element>) and now and then read a whole set (its children). Elements go to
// set k = element / kElementsPerSet, so sets stay small and a read stays cheap however long the
// run (one set of everything made a 10-minute run's history 3.7 GB); reads pick one of the
// newest sets. After the faults are healed, every set is read through every node; the set
// checker, set by set (the history key), looks for acknowledged adds that are missing and
// elements nobody added.
#pragma once

#include <atomic>

#include "jepsen/harness/workload.h"

namespace coord::jepsen::harness {

class SetWorkload : public Workload {
 public:
  explicit SetWorkload(const WorkloadOptions& options)
      : threads_(options.threads > 0 ? options.threads : 8) {}
  std::string name() const override { return "set"; }
  int threads() const override { return threads_; }
  raft::Status Setup(WorkloadContext& ctx) override;
  void RunClient(WorkloadContext& ctx, int thread) override;
  raft::Status Finish(WorkloadContext& ctx) override;

 private:
  static constexpr int64_t kElementsPerSet = 500;

  // One read of set `set` through `node`; true when it completed ok.
  bool Read(ClientThread& client, int64_t set, int node);

  const int threads_;
  std::atomic<int64_t> next_element_{0};
};

}  // namespace coord::jepsen::harness
