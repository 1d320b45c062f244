// CoorddCluster: N real coordd processes on loopback for the process tests: each with its own
// free client and peer ports and a data directory under one temporary directory, started
// with fast Raft timing (ticks of 20 ms) unless the test says otherwise.
//
// Everything that waits, waits for an observable condition with a deadline: a process exit
// (pidfd), GET /ready answering 200, the nodes agreeing on a leader in GET /v1/cluster.
// On a test failure the destructor prints the tail of every node's log.
//
// Thread-safety: one owner thread (tests may call Call()/Get() from others).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/api/subprocess.h"

namespace coord::api::testing {

// The path of the coordd binary under test (set by CMake).
std::string CoorddBinary();

// A loopback TCP port that is free now, outside the kernel's ephemeral range (so an outgoing
// connection cannot take it between our check and coordd's bind), and leased to this process
// until it exits, so that concurrent test processes never hand out the same port, even while
// the node that owns it is stopped.
uint16_t FreePort();

// A fresh directory under /tmp, removed by the owner.
std::string MakeTempDir(const std::string& prefix);

class CoorddCluster {
 public:
  struct Node {
    uint64_t id = 0;
    uint16_t client_port = 0;
    uint16_t peer_port = 0;
    std::string data_dir;
    std::string log_path;
    std::vector<std::string> extra_flags;
    std::unique_ptr<Subprocess> process;
  };

  // `extra_flags` are added to every node's command line (and override the defaults).
  explicit CoorddCluster(int size, std::vector<std::string> extra_flags = {});
  ~CoorddCluster();

  // Starts every node and waits until each answers /ready; false (with a test failure
  // recorded) if not within `timeout`.
  bool Start(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Spawns node `id` (again) with its usual command line plus `more_flags`.
  void StartNode(uint64_t id, const std::vector<std::string>& more_flags = {});
  bool AwaitReady(uint64_t id, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // SIGKILL (default) or another signal, then waits for the exit.
  std::optional<ExitStatus> Stop(uint64_t id, int signal, std::chrono::milliseconds timeout =
                                                              std::chrono::seconds(20));
  void Kill(uint64_t id) { Stop(id, 9); }
  bool Running(uint64_t id) const;

  // The leader every running node names in GET /v1/cluster (and which says it leads);
  // 0 if they do not agree within `timeout`.
  uint64_t AwaitLeader(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // A running node other than `not_this`.
  uint64_t AnyRunningExcept(uint64_t not_this) const;

  uint16_t client_port(uint64_t id) const { return nodes_.at(id).client_port; }
  const Node& node(uint64_t id) const { return nodes_.at(id); }
  Node& mutable_node(uint64_t id) { return nodes_.at(id); }
  std::vector<uint64_t> ids() const;
  const std::string& dir() const { return dir_; }
  std::string initial_cluster() const;
  std::vector<std::string> CommandLine(uint64_t id) const;
  std::string LogTail(uint64_t id, size_t bytes = 3000) const;

 private:
  std::string dir_;
  std::vector<std::string> extra_flags_;
  std::map<uint64_t, Node> nodes_;
};

}  // namespace coord::api::testing
