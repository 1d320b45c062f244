#include "tests/runtime/local_cluster.h"

#include <stdlib.h>

#include <filesystem>
#include <future>
#include <stdexcept>
#include <thread>

namespace coord::raft::testing {

namespace fs = std::filesystem;

LocalCluster::LocalCluster(int size, std::function<void(RaftNodeOptions&)> tweak,
                           std::function<leveldb::Env*(uint64_t id)> env_of)
    : tweak_(std::move(tweak)), env_of_(std::move(env_of)) {
  char tmpl[] = "/tmp/coord-runtime-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp");
  dir_ = tmpl;
  // Bind every transport first (port 0 = any free port) so all addresses are known.
  for (int i = 1; i <= size; ++i) {
    transport::Transport::Options t;
    t.cluster_id = 42;
    t.node_id = i;
    t.listen_host = "127.0.0.1";
    t.backoff_initial = std::chrono::milliseconds(20);
    t.backoff_max = std::chrono::milliseconds(200);
    auto started = TcpMessageTransport::Start(t);
    if (!started.ok()) throw std::runtime_error(started.status().ToString());
    LocalReplica& r = replicas_[i];
    r.transport = std::move(*started);
    r.port = r.transport->transport().listen_port();
    peers_[i] = "127.0.0.1:" + std::to_string(r.port);
  }
  for (auto& [id, r] : replicas_) {
    for (auto& [pid, addr] : peers_) {
      if (pid != id) r.transport->AddPeer(pid, addr);
    }
  }
  for (auto& [id, r] : replicas_) StartNode(id);
}

LocalCluster::~LocalCluster() {
  for (auto& [id, r] : replicas_) StopNode(id);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void LocalCluster::StartNode(uint64_t id) {
  LocalReplica& r = replicas_.at(id);
  if (!r.transport) {
    transport::Transport::Options t;
    t.cluster_id = 42;
    t.node_id = id;
    t.listen_host = "127.0.0.1";
    t.listen_port = r.port;
    t.backoff_initial = std::chrono::milliseconds(20);
    t.backoff_max = std::chrono::milliseconds(200);
    t.peers = peers_;
    auto started = TcpMessageTransport::Start(t);
    if (!started.ok()) throw std::runtime_error(started.status().ToString());
    r.transport = std::move(*started);
  }
  LeveldbStorageOptions so;
  so.dir = dir_ + "/node-" + std::to_string(id);
  so.cluster_id = "test";
  so.node_id = id;
  so.create_if_missing = true;
  if (env_of_) so.env = env_of_(id);
  for (auto& [pid, addr] : peers_) so.initial_conf_state.add_voters(pid);
  auto storage = LeveldbStorage::Open(so);
  if (!storage.ok()) throw std::runtime_error(storage.status().ToString());
  r.storage = std::move(*storage);
  r.kv = std::make_unique<KvStateMachine>();
  RaftNodeOptions o;
  o.id = id;
  o.tick = std::chrono::milliseconds(20);
  o.election_ticks = 10;
  o.seed = id * 1000003;
  o.peers = peers_;
  if (tweak_) tweak_(o);
  auto node = RaftNode::Start(o, r.storage.get(), r.kv.get(), r.transport.get());
  if (!node.ok()) throw std::runtime_error(node.status().ToString());
  r.node = std::move(*node);
  RaftNode* n = r.node.get();
  r.transport->SetSink([n](pb::Message m) { n->Step(std::move(m)); });
}

void LocalCluster::StopNode(uint64_t id) {
  LocalReplica& r = replicas_.at(id);
  if (r.transport) r.transport->Stop();
  if (r.node) r.node->Stop();
  r.node.reset();
  r.transport.reset();
  r.kv.reset();
  r.storage.reset();
}

bool LocalCluster::Eventually(const std::function<bool()>& condition,
                              std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling an observable state
  }
  return condition();
}

uint64_t LocalCluster::AwaitLeader(std::chrono::milliseconds timeout) {
  uint64_t leader = 0;
  Eventually(
      [&] {
        leader = 0;
        for (auto& [id, r] : replicas_) {
          if (!r.node) continue;
          NodeStatus s = r.node->status();
          if (s.leader == 0) return false;
          if (leader != 0 && s.leader != leader) return false;
          leader = s.leader;
        }
        return leader != 0 && replicas_.at(leader).node != nullptr &&
               replicas_.at(leader).node->status().role == Role::kLeader;
      },
      timeout);
  return leader;
}

Result<std::string> LocalCluster::Put(uint64_t via, const std::string& key,
                                      const std::string& value, std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<Result<std::string>>>();
  auto future = promise->get_future();
  node(via).Propose(key + "=" + value, [promise](Result<std::string> r) { promise->set_value(r); });
  if (future.wait_for(timeout) != std::future_status::ready) {
    return Status::Timeout("test gave up waiting");
  }
  return future.get();
}

Result<std::optional<std::string>> LocalCluster::Get(uint64_t via, const std::string& key) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  node(via).ReadBarrier([promise](Status s) { promise->set_value(s); });
  if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    return Status::Timeout("test gave up waiting");
  }
  Status s = future.get();
  if (!s.ok()) return s;
  return replica(via).kv->Get(key);
}

}  // namespace coord::raft::testing
