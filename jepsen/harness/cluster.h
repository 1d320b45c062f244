// Cluster: the coordd processes under test, started on a Network (network.h), one data
// directory and one log file per node, and the faults a nemesis applies to processes: kill -9
// and restart, SIGSTOP / SIGCONT, restart with a shifted clock.
//
// Node i (0-based) has Raft id i + 1. Thread-safe (one mutex): the nemesis acts while the
// runner asks for the leader.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "jepsen/harness/child_process.h"
#include "jepsen/harness/network.h"

namespace coord::jepsen::harness {

struct ClusterOptions {
  std::string coordd;    // path of the coordd binary
  std::string data_dir;  // node i's data in <data_dir>/n<i+1>
  std::string log_dir;   // node i's output appended to <log_dir>/n<i+1>.log
  int tick_ms = 50;      // short ticks: elections within about a second, so faults heal fast
  int request_timeout_ms = 2000;
  int leader_wait_ms = 1000;
  std::vector<std::string> extra_flags;  // passed to every node (e.g. --unsafe-local-reads)
};

class Cluster {
 public:
  Cluster(ClusterOptions options, Network* network);
  ~Cluster();  // kills every node

  int size() const { return network_->nodes(); }
  const Network& network() const { return *network_; }
  std::string log_name(int i) const;  // "n<i+1>.log"

  // Starts every node, then waits until every node answers /ready (a leader exists and each
  // has caught up) or `within` passes.
  raft::Status StartAll(std::chrono::milliseconds within);
  // Waits until every running, unpaused node answers /ready.
  raft::Status AwaitReady(std::chrono::milliseconds within);

  raft::Status Start(int i);
  void Kill(int i);
  void Pause(int i);
  void Resume(int i);
  // Takes effect at the node's next start.
  void SetClockOffset(int i, int64_t offset_ms);
  bool running(int i) const;
  bool paused(int i) const;

  // The node the reachable nodes name as leader (asked with a short timeout), if any.
  std::optional<int> Leader();

  // SIGTERM to every node (SIGKILL after a grace period).
  void StopAll();

 private:
  std::vector<std::string> Command(int i) const;

  const ClusterOptions options_;
  Network* network_;
  mutable std::mutex mu_;
  struct Node {
    std::unique_ptr<ChildProcess> process = std::make_unique<ChildProcess>();
    bool paused = false;
    int64_t clock_offset_ms = 0;
  };
  std::vector<Node> nodes_;  // GUARDED_BY(mu_)
};

}  // namespace coord::jepsen::harness
