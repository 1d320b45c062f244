// The watch workload: writers create, set and delete nodes under /jepsen-watch (ten names,
// so every kind of event happens), recording each write's zxid; watchers follow the whole
// subtree by long-polling GET /v1/watch?recursive=true, each poll sent to a random node with
// the position the previous one returned (so a watch moves between nodes as Jepsen's clients
// do). Every event received is a notification in the history, every position a "progress";
// WATCH_COMPACTED is a "resync" at the zxid of a fresh read. After the faults are healed each
// watcher polls until its position reaches the cluster's last zxid, so the checker can hold
// every watcher to every write.
#pragma once

#include <mutex>
#include <vector>

#include "jepsen/harness/workload.h"

namespace coord::jepsen::harness {

class WatchWorkload : public Workload {
 public:
  explicit WatchWorkload(const WorkloadOptions& options)
      : writers_(options.threads > 0 ? options.threads : 3), watchers_(3) {}
  std::string name() const override { return "watch"; }
  int threads() const override { return writers_ + watchers_; }
  raft::Status Setup(WorkloadContext& ctx) override;
  void RunClient(WorkloadContext& ctx, int thread) override;
  raft::Status Finish(WorkloadContext& ctx) override;

 private:
  struct Watcher {
    std::unique_ptr<ClientThread> client;
    int64_t position = -1;  // -1: not watching yet
  };
  void Write(ClientThread& client);
  // Starts watching (a read gives the starting zxid); false if no node answered.
  bool Begin(Watcher& w);
  // One long-poll; false when it got no answer.
  bool Poll(Watcher& w, std::chrono::milliseconds wait);

  const int writers_;
  const int watchers_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Watcher>> watcher_state_;  // one per watcher thread; set in Setup
};

}  // namespace coord::jepsen::harness
