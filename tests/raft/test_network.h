// TestNetwork: a few RawNodes with MemoryStorage wired together in-process, for scripted unit
// tests. Messages are delivered in FIFO order by Stabilize() until nothing is left to do;
// a filter can drop messages (to model partitions). Fully deterministic.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "raft/memory_storage.h"
#include "raft/raw_node.h"

namespace coord::raft::testing {

struct TestNode {
  std::unique_ptr<MemoryStorage> storage;
  std::unique_ptr<RawNode> node;
  std::vector<pb::Entry> applied;    // committed entries, in apply order
  std::vector<ReadState> reads;      // read states received
  std::optional<pb::Snapshot> installed_snapshot;
};

class TestNetwork {
 public:
  using ConfigFn = std::function<void(Config&)>;

  // Creates nodes `ids`, all voters of the initial configuration `voters` (defaults to ids).
  explicit TestNetwork(std::vector<uint64_t> ids, ConfigFn customize = nullptr,
                       std::vector<uint64_t> voters = {});

  RawNode& node(uint64_t id) { return *nodes_.at(id).node; }
  TestNode& state(uint64_t id) { return nodes_.at(id); }
  MemoryStorage& storage(uint64_t id) { return *nodes_.at(id).storage; }

  // Adds a node with an empty configuration (it learns membership from the leader).
  void AddNode(uint64_t id);
  // Replaces the RawNode of `id` with a fresh one restored from its storage (a crash that
  // loses nothing, since Stabilize persists everything it is handed).
  void Restart(uint64_t id);

  // Replaces the log of `id` with entries 1..n of the given terms, sets its hard state term
  // (and commit), and restarts it: for setting up the paper's scenarios.
  void Preload(uint64_t id, const std::vector<uint64_t>& terms, uint64_t term, uint64_t commit = 0);

  void Tick(uint64_t id, int n = 1);
  // Runs every node's Ready loop and delivers messages until quiescent.
  void Stabilize();
  // Makes `id` campaign (without pre-vote) and stabilizes; returns the leader after that.
  uint64_t Elect(uint64_t id);
  uint64_t Leader() const;

  // Messages matching this predicate are dropped (nullptr: none).
  std::function<bool(const pb::Message&)> drop;
  // Applied to each message before delivery (nullptr: none), e.g. to strip entries.
  std::function<void(pb::Message&)> mutate;
  void Isolate(uint64_t id);
  void Heal() { drop = nullptr; }

  // Every message delivered so far, in order (for assertions on protocol traffic), unless
  // record_delivered is false (benchmarks).
  std::vector<pb::Message> delivered;
  bool record_delivered = true;

 private:
  bool ProcessReady(uint64_t id);
  Config MakeConfig(uint64_t id);

  ConfigFn customize_;
  pb::ConfState net_conf_;
  std::map<uint64_t, TestNode> nodes_;
  std::deque<pb::Message> in_flight_;
};

// A storage that knows membership `cs` from a (data-less) snapshot at index 0 instead of the
// bootstrap entries, so a test can lay out the log from index 1 itself.
std::unique_ptr<MemoryStorage> StorageWithConf(const pb::ConfState& cs);

// Convenience: the committed entries of `applied` with non-empty data, as strings.
std::vector<std::string> AppliedData(const TestNode& node);

}  // namespace coord::raft::testing
