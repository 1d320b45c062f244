// The Raft runtime with real components: leveldb data directories, TCP on loopback, the
// apply thread. (Process-level kill -9 tests live with coordd.)
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <future>
#include <thread>

#include "tests/runtime/local_cluster.h"
#include "tests/runtime/sync_gate_env.h"

namespace coord::raft::testing {
namespace {

TEST(RaftNodeTest, ElectsLeaderAndReplicatesWrites) {
  LocalCluster c(3);
  const uint64_t leader = c.AwaitLeader();
  ASSERT_NE(leader, 0u);
  for (int i = 0; i < 20; ++i) {
    auto r = c.Put(leader, "k" + std::to_string(i), std::to_string(i));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->rfind("index:", 0), 0u);
  }
  for (uint64_t id : {1, 2, 3}) {
    auto v = c.Get(id, "k19");
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(v->value_or(""), "19") << "node " << id;
  }
}

TEST(RaftNodeTest, FollowerForwardsWritesToLeader) {
  LocalCluster c(3);
  const uint64_t leader = c.AwaitLeader();
  ASSERT_NE(leader, 0u);
  const uint64_t follower = leader == 1 ? 2 : 1;
  auto r = c.Put(follower, "via-follower", "yes");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto v = c.Get(leader, "via-follower");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->value_or(""), "yes");
}

TEST(RaftNodeTest, NewLeaderAfterLeaderStopsAndOldLeaderCatchesUp) {
  LocalCluster c(3);
  const uint64_t first = c.AwaitLeader();
  ASSERT_NE(first, 0u);
  ASSERT_TRUE(c.Put(first, "before", "1").ok());
  c.StopNode(first);
  const uint64_t second = c.AwaitLeader();
  ASSERT_NE(second, 0u);
  ASSERT_NE(second, first);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(c.Put(second, "after" + std::to_string(i), "2").ok());
  c.StartNode(first);
  ASSERT_TRUE(LocalCluster::Eventually([&] { return c.replica(first).kv->Get("after9").has_value(); }));
  EXPECT_EQ(c.replica(first).kv->Get("before").value_or(""), "1");
}

TEST(RaftNodeTest, LaggingFollowerCatchesUpFromSnapshot) {
  LocalCluster c(3, [](RaftNodeOptions& o) {
    o.snapshot_every = 50;
    o.snapshot_catchup_entries = 10;
    o.snapshot_chunk_size = 256;
  });
  const uint64_t leader = c.AwaitLeader();
  ASSERT_NE(leader, 0u);
  const uint64_t lagging = leader == 3 ? 2 : 3;
  c.StopNode(lagging);
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(c.Put(leader, "s" + std::to_string(i), "v").ok());
  ASSERT_TRUE(LocalCluster::Eventually([&] { return c.node(leader).status().snapshots_taken > 0; }));
  ASSERT_TRUE(LocalCluster::Eventually(
      [&] { return c.replica(leader).storage->FirstIndex() > 20; }));
  c.StartNode(lagging);
  ASSERT_TRUE(LocalCluster::Eventually([&] { return c.replica(lagging).kv->size() == 300; }));
  // The entries it missed were compacted on the leader: it can only have caught up by
  // installing the leader's snapshot.
  EXPECT_GE(c.node(lagging).status().snapshots_installed, 1u);
}

TEST(RaftNodeTest, RestartRecoversFromDisk) {
  LocalCluster c(3, [](RaftNodeOptions& o) { o.snapshot_every = 30; });
  uint64_t leader = c.AwaitLeader();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(c.Put(leader, "r" + std::to_string(i), "x").ok());
  for (uint64_t id : {1, 2, 3}) c.StopNode(id);
  for (uint64_t id : {1, 2, 3}) c.StartNode(id);
  leader = c.AwaitLeader();
  ASSERT_NE(leader, 0u);
  auto v = c.Get(leader, "r99");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->value_or(""), "x");
  for (uint64_t id : {1, 2, 3}) {
    ASSERT_TRUE(LocalCluster::Eventually([&] { return c.replica(id).kv->size() == 100; }));
  }
}

TEST(RaftNodeTest, GroupCommitSharesFsyncs) {
  LocalCluster c(3);
  const uint64_t leader = c.AwaitLeader();
  ASSERT_NE(leader, 0u);
  const uint64_t writes_before = c.replica(leader).storage->stats().writes;
  constexpr int kClients = 64, kPerClient = 20;
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < kPerClient; ++i) {
        if (c.Put(leader, "g" + std::to_string(t) + "-" + std::to_string(i), "v").ok()) ++ok;
      }
    });
  }
  for (auto& th : clients) th.join();
  ASSERT_EQ(ok.load(), kClients * kPerClient);
  const uint64_t syncs = c.replica(leader).storage->stats().writes - writes_before;
  const double per_write = static_cast<double>(syncs) / (kClients * kPerClient);
  std::printf("leader synced writes per committed write with %d concurrent clients: %.3f\n",
              kClients, per_write);
  EXPECT_LT(per_write, 0.5);
}

TEST(RaftNodeTest, LeaderCallsReachTheLeaderFromAnyNode) {
  LocalCluster c(3);
  for (uint64_t id : {1, 2, 3}) {
    c.node(id).SetLeaderCallHandler([id](std::string_view payload) -> Result<std::string> {
      if (payload == "bad") return Status::InvalidArgument("bad payload");
      return "leader " + std::to_string(id) + " got " + std::string(payload);
    });
  }
  const uint64_t leader = c.AwaitLeader();
  ASSERT_NE(leader, 0u);
  for (uint64_t via : {1, 2, 3}) {
    std::promise<Result<std::string>> p;
    auto f = p.get_future();
    c.node(via).CallLeader("ping", [&p](Result<std::string> r) { p.set_value(r); });
    ASSERT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    auto r = f.get();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, "leader " + std::to_string(leader) + " got ping");
  }
  std::promise<Result<std::string>> p;
  auto f = p.get_future();
  c.node(leader == 1 ? 2 : 1).CallLeader("bad", [&p](Result<std::string> r) { p.set_value(r); });
  ASSERT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto r = f.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
}

// Waits for a term-fenced proposal's answer.
Result<std::string> ProposeInTermAndWait(RaftNode& node, const std::string& command, uint64_t term) {
  auto promise = std::make_shared<std::promise<Result<std::string>>>();
  auto future = promise->get_future();
  node.ProposeInTerm(command, term, [promise](Result<std::string> r) { promise->set_value(r); });
  if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    return Status::Timeout("test gave up waiting");
  }
  return future.get();
}

TEST(RaftNodeTest, TermFencedProposalsAppendOnlyOnThatTermsLeader) {
  LocalCluster c(3);
  const uint64_t leader = c.AwaitLeader();
  ASSERT_NE(leader, 0u);
  const uint64_t term = c.node(leader).status().term;
  const uint64_t follower = leader == 1 ? 2 : 1;

  auto ok = ProposeInTermAndWait(c.node(leader), "fenced=current", term);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();

  // A follower never forwards it, and the leader refuses any other term.
  auto from_follower = ProposeInTermAndWait(c.node(follower), "fenced=follower", term);
  ASSERT_FALSE(from_follower.ok());
  EXPECT_EQ(from_follower.status().code(), Status::Code::kNotLeader);
  auto old_term = ProposeInTermAndWait(c.node(leader), "fenced=old", term - 1);
  ASSERT_FALSE(old_term.ok());
  EXPECT_EQ(old_term.status().code(), Status::Code::kNotLeader);

  // Nothing refused was appended anywhere: a later write is applied and they are not.
  ASSERT_TRUE(c.Put(leader, "after", "1").ok());
  for (uint64_t id : {1, 2, 3}) {
    ASSERT_TRUE(LocalCluster::Eventually([&] { return c.replica(id).kv->Get("after").has_value(); }));
    EXPECT_EQ(c.replica(id).kv->Get("fenced").value_or(""), "current") << "node " << id;
  }
}

TEST(RaftNodeTest, LeaderReportsTheFirstIndexOfItsTerm) {
  LocalCluster c(3);
  const uint64_t first = c.AwaitLeader();
  ASSERT_NE(first, 0u);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.Put(first, "k" + std::to_string(i), "v").ok());
  const uint64_t start = c.node(first).status().term_start_index;
  ASSERT_NE(start, 0u);
  // The writes came after the no-op (the status's last index is refreshed every tick).
  ASSERT_TRUE(LocalCluster::Eventually([&] { return c.node(first).status().last_index >= start + 5; }));
  const NodeStatus before = c.node(first).status();

  c.StopNode(first);
  const uint64_t second = c.AwaitLeader();
  ASSERT_NE(second, 0u);
  const NodeStatus after = c.node(second).status();
  // The new leader's no-op follows every entry the old leader got committed.
  EXPECT_GT(after.term_start_index, before.last_index);
  const uint64_t other = 6 - first - second;
  EXPECT_EQ(c.node(other).status().term_start_index, 0u) << "a follower reports none";
}

// A Ready often carries both entries just committed and new proposals to sync. The committed
// ones are already on this node's disk: they must be applied (and answered) without waiting
// for the new ones' fsync (RaftNode::HandOverDurableCommitted).
TEST(RaftNodeTest, CommittedEntriesDoNotWaitForTheNextEntriesSync) {
  SyncGateEnv gates[4];
  // Heartbeats rare, elections far: while the leader's disk is held, the only messages from
  // the followers are their acks.
  LocalCluster c(
      3, [](RaftNodeOptions& o) { o.election_ticks = 150; o.heartbeat_ticks = 40; },
      [&gates](uint64_t id) { return &gates[id]; });
  const uint64_t leader = c.AwaitLeader(std::chrono::seconds(20));
  ASSERT_NE(leader, 0u);
  ASSERT_TRUE(c.Put(leader, "warm", "up").ok());
  std::vector<uint64_t> followers;
  for (uint64_t id : {1, 2, 3}) {
    if (id != leader) followers.push_back(id);
  }
  auto received_from = [&](uint64_t id) {
    return c.replica(leader).transport->transport().stats().peers[id].messages_received;
  };
  std::map<uint64_t, uint64_t> received_before, writes_before;
  for (uint64_t f : followers) {
    received_before[f] = received_from(f);
    writes_before[f] = c.replica(f).storage->stats().writes;
  }

  SyncGateEnv& gate = gates[leader];
  gate.Close();
  std::promise<Result<std::string>> first;
  c.node(leader).Propose("first=1", [&first](Result<std::string> r) { first.set_value(r); });
  ASSERT_TRUE(gate.WaitForBlocked(1, std::chrono::seconds(5))) << "the leader syncs `first`";
  // The followers sync `first` and their acks reach the leader, whose Raft thread is held.
  ASSERT_TRUE(LocalCluster::Eventually([&] {
    for (uint64_t f : followers) {
      if (c.replica(f).storage->stats().writes <= writes_before[f]) return false;
      if (received_from(f) <= received_before[f]) return false;
    }
    return true;
  }));
  std::promise<Result<std::string>> second;
  c.node(leader).Propose("second=2", [&second](Result<std::string> r) { second.set_value(r); });
  // Let `first`'s sync finish: the next round commits `first` and appends `second`, whose
  // sync the gate holds.
  gate.Allow(1);
  auto first_done = first.get_future();
  const bool applied_while_held =
      first_done.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  const bool second_held = gate.WaitForBlocked(1, std::chrono::seconds(1));
  gate.Open();
  ASSERT_TRUE(applied_while_held) << "`first` waited for `second`'s fsync";
  EXPECT_TRUE(second_held);
  EXPECT_TRUE(first_done.get().ok());
  auto second_done = second.get_future();
  ASSERT_EQ(second_done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(second_done.get().ok());
}

TEST(RaftNodeTest, MinorityFailsFastWithoutLeader) {
  LocalCluster c(3);
  const uint64_t leader = c.AwaitLeader();
  ASSERT_NE(leader, 0u);
  const uint64_t survivor = leader == 1 ? 2 : 1;
  for (uint64_t id : {1, 2, 3}) {
    if (id != survivor) c.StopNode(id);
  }
  // The survivor loses its leader (check-quorum / election timeout) and then refuses.
  ASSERT_TRUE(LocalCluster::Eventually([&] { return c.node(survivor).status().leader == 0; }));
  auto r = c.Put(survivor, "x", "y", std::chrono::seconds(10));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().code() == Status::Code::kProposalDropped ||
              r.status().code() == Status::Code::kTimeout)
      << r.status().ToString();
  auto g = c.Get(survivor, "x");
  EXPECT_FALSE(g.ok());
}

}  // namespace
}  // namespace coord::raft::testing
