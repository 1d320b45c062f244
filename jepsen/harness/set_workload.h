// The set workload: clients add unique integers to a set (each a child node
// /jepsen-set/<element>) and now and then read the whole set (the children). After the faults
// are healed, one final read through every node; the set checker then looks for acknowledged
// adds that are missing and elements nobody added.
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
  // One read of the set through `node`; true when it completed ok.
  bool Read(ClientThread& client, int node);

  const int threads_;
  std::atomic<int64_t> next_element_{0};
};

}  // namespace coord::jepsen::harness
