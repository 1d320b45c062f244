// LocalCluster: N real replicas in one process: each with its own leveldb data directory,
// TCP transport on a loopback port, KvStateMachine and RaftNode. Nodes can be stopped and
// restarted from their data directories (a clean stop; kill -9 is tested with processes).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "raft/runtime/raft_node.h"
#include "raft/runtime/tcp_message_transport.h"
#include "raft/storage/leveldb_storage.h"
#include "tests/runtime/kv_state_machine.h"

namespace coord::raft::testing {

struct LocalReplica {
  std::unique_ptr<LeveldbStorage> storage;
  std::unique_ptr<KvStateMachine> kv;
  std::unique_ptr<TcpMessageTransport> transport;
  std::unique_ptr<RaftNode> node;
  uint16_t port = 0;
};

class LocalCluster {
 public:
  // `tweak` adjusts each node's options (timing, snapshot interval); `env_of` gives a node's
  // storage a leveldb::Env of the test's (null: the default), which must outlive the cluster.
  LocalCluster(int size, std::function<void(RaftNodeOptions&)> tweak = nullptr,
               std::function<leveldb::Env*(uint64_t id)> env_of = nullptr);
  ~LocalCluster();

  void StartNode(uint64_t id);
  void StopNode(uint64_t id);
  bool Running(uint64_t id) const { return replicas_.at(id).node != nullptr; }
  LocalReplica& replica(uint64_t id) { return replicas_.at(id); }
  RaftNode& node(uint64_t id) { return *replicas_.at(id).node; }

  // Waits until the running nodes agree on one leader; returns it (0 on timeout).
  uint64_t AwaitLeader(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Proposes through `via` and waits for the outcome.
  Result<std::string> Put(uint64_t via, const std::string& key, const std::string& value,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // A linearizable read barrier on `via`, then the local value.
  Result<std::optional<std::string>> Get(uint64_t via, const std::string& key);

  static bool Eventually(const std::function<bool()>& condition,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  std::string dir_;
  std::function<void(RaftNodeOptions&)> tweak_;
  std::function<leveldb::Env*(uint64_t id)> env_of_;
  std::map<uint64_t, LocalReplica> replicas_;
  std::map<uint64_t, std::string> peers_;
};

}  // namespace coord::raft::testing
