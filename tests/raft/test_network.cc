#include "tests/raft/test_network.h"

#include <stdexcept>

namespace coord::raft::testing {

TestNetwork::TestNetwork(std::vector<uint64_t> ids, ConfigFn customize,
                         std::vector<uint64_t> voters)
    : customize_(std::move(customize)) {
  if (voters.empty()) voters = ids;
  pb::ConfState cs;
  for (uint64_t v : voters) cs.add_voters(v);
  net_conf_ = cs;
  for (uint64_t id : ids) {
    TestNode& n = nodes_[id];
    n.storage = std::make_unique<MemoryStorage>(cs);
    auto node = RawNode::Create(MakeConfig(id));
    if (!node.ok()) throw std::runtime_error(node.status().ToString());
    n.node = std::move(*node);
  }
  Stabilize();  // applies the bootstrap membership entries
}

Config TestNetwork::MakeConfig(uint64_t id) {
  Config c;
  c.id = id;
  c.storage = nodes_.at(id).storage.get();
  c.election_tick = 10;
  c.heartbeat_tick = 1;
  c.seed = id * 7919;
  c.pre_vote = false;
  c.check_quorum = false;
  c.applied = nodes_.at(id).storage->FirstIndex() - 1;
  if (customize_) customize_(c);
  return c;
}

void TestNetwork::AddNode(uint64_t id) {
  TestNode& n = nodes_[id];
  n.storage = std::make_unique<MemoryStorage>(pb::ConfState{});
  auto node = RawNode::Create(MakeConfig(id));
  if (!node.ok()) throw std::runtime_error(node.status().ToString());
  n.node = std::move(*node);
}

void TestNetwork::Restart(uint64_t id) {
  TestNode& n = nodes_.at(id);
  n.node.reset();
  auto node = RawNode::Create(MakeConfig(id));
  if (!node.ok()) throw std::runtime_error(node.status().ToString());
  n.node = std::move(*node);
  // The state machine restarts from the snapshot; entries after it are applied again.
  std::vector<pb::Entry> kept;
  const uint64_t snap = n.storage->FirstIndex() - 1;
  for (const pb::Entry& e : n.applied) {
    if (e.index() <= snap) kept.push_back(e);
  }
  n.applied = std::move(kept);
}

void TestNetwork::Preload(uint64_t id, const std::vector<uint64_t>& terms, uint64_t term,
                          uint64_t commit) {
  TestNode& n = nodes_.at(id);
  pb::ConfState cs = net_conf_;
  n.storage = StorageWithConf(cs);
  std::vector<pb::Entry> entries;
  for (size_t i = 0; i < terms.size(); ++i) {
    pb::Entry e;
    e.set_index(i + 1);
    e.set_term(terms[i]);
    e.set_data("preloaded-" + std::to_string(i + 1) + "-" + std::to_string(terms[i]));
    entries.push_back(std::move(e));
  }
  if (!n.storage->Append(entries).ok()) throw std::runtime_error("preload");
  pb::HardState hs;
  hs.set_term(term);
  hs.set_commit(commit);
  n.storage->SetHardState(hs);
  n.applied.clear();
  Restart(id);
  Stabilize();
}

void TestNetwork::Tick(uint64_t id, int n) {
  for (int i = 0; i < n; ++i) {
    nodes_.at(id).node->Tick();
    Stabilize();
  }
}

bool TestNetwork::ProcessReady(uint64_t id) {
  TestNode& n = nodes_.at(id);
  if (!n.node->HasReady()) return false;
  Ready rd = n.node->GetReady();
  for (auto& m : rd.messages) in_flight_.push_back(m);
  if (rd.snapshot) {
    if (!n.storage->ApplySnapshot(*rd.snapshot).ok()) throw std::runtime_error("apply snapshot");
    n.installed_snapshot = rd.snapshot;
    n.applied.clear();
  }
  if (!n.storage->Append(rd.entries).ok()) throw std::runtime_error("append");
  if (rd.hard_state) n.storage->SetHardState(*rd.hard_state);
  for (auto& m : rd.messages_after_persist) in_flight_.push_back(m);
  for (const auto& e : rd.committed_entries) n.applied.push_back(e);
  for (const auto& r : rd.read_states) n.reads.push_back(r);
  n.node->Advance(rd);
  return true;
}

void TestNetwork::Stabilize() {
  for (int rounds = 0; rounds < 100000; ++rounds) {
    bool progressed = false;
    for (auto& [id, n] : nodes_) {
      while (ProcessReady(id)) progressed = true;
    }
    while (!in_flight_.empty()) {
      pb::Message m = std::move(in_flight_.front());
      in_flight_.pop_front();
      progressed = true;
      if (drop && drop(m)) continue;
      if (mutate) mutate(m);
      auto it = nodes_.find(m.to());
      if (it == nodes_.end()) continue;
      if (record_delivered) delivered.push_back(m);
      (void)it->second.node->Step(m);
      while (ProcessReady(m.to())) {
      }
    }
    if (!progressed) return;
  }
  throw std::runtime_error("network did not stabilize");
}

uint64_t TestNetwork::Elect(uint64_t id) {
  nodes_.at(id).node->Campaign();
  Stabilize();
  return Leader();
}

uint64_t TestNetwork::Leader() const {
  uint64_t leader = 0;
  uint64_t best_term = 0;
  for (const auto& [id, n] : nodes_) {
    if (n.node->role() == Role::kLeader && n.node->term() >= best_term) {
      leader = id;
      best_term = n.node->term();
    }
  }
  return leader;
}

void TestNetwork::Isolate(uint64_t id) {
  drop = [id](const pb::Message& m) { return m.from() == id || m.to() == id; };
}

std::unique_ptr<MemoryStorage> StorageWithConf(const pb::ConfState& cs) {
  auto storage = std::make_unique<MemoryStorage>();
  pb::Snapshot snap;
  *snap.mutable_metadata()->mutable_conf_state() = cs;
  if (!storage->ApplySnapshot(snap).ok()) throw std::runtime_error("snapshot at 0");
  return storage;
}

std::vector<std::string> AppliedData(const TestNode& node) {
  std::vector<std::string> out;
  for (const auto& e : node.applied) {
    if (e.type() == pb::ENTRY_NORMAL && !e.data().empty()) out.push_back(e.data());
  }
  return out;
}

}  // namespace coord::raft::testing
