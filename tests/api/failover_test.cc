// Failures of whole processes (kill -9, real disk, loopback): the leader killed in the middle
// of a write load, a restarted follower catching up from the log and then from a snapshot,
// and the minority side of a cluster answering 503 quickly instead of hanging.
#include <atomic>
#include <csignal>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/api/api_client.h"
#include "tests/api/coordd_cluster.h"
#include "tests/api/metrics_text.h"

namespace coord::api::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string N(const std::string& path) { return "/v1/nodes" + path; }

// Writes sequential nodes under `parent` until stopped, each with its own Idempotency-Key and
// retried (same key) on any node until acknowledged, so each logical write lands exactly once
// whatever fails meanwhile. Records acknowledged paths.
class RetryingWriter {
 public:
  RetryingWriter(CoorddCluster* cluster, std::string parent, int index)
      : cluster_(cluster), parent_(std::move(parent)), index_(index) {}

  void Run(const std::atomic<bool>& stop) {
    std::string session;
    for (uint64_t key = 1; !stop.load(); ++key) {
      const auto give_up = Clock::now() + std::chrono::seconds(30);
      bool acked = false;
      for (size_t attempt = 0; !acked && Clock::now() < give_up; ++attempt) {
        const std::vector<uint64_t> ids = cluster_->ids();
        const uint64_t id = ids[(index_ + key + attempt) % ids.size()];
        if (!cluster_->Running(id)) continue;
        const uint16_t port = cluster_->client_port(id);
        if (session.empty()) {
          Reply s = Post(port, "/v1/sessions", {{"ttl_ms", 60000}});
          if (s.ok()) session = s.json["id"].get<std::string>();
          continue;
        }
        Reply r = Post(port, N(parent_ + "/w" + std::to_string(index_) + "-"),
                       {{"mode", "sequential"}, {"data", std::to_string(key)}},
                       "Coord-Session: " + session + "\r\nIdempotency-Key: " + std::to_string(key) + "\r\n");
        if (r.ok()) {
          std::lock_guard<std::mutex> lock(mu_);
          acked_.push_back(r.json["path"].get<std::string>());
          acked = true;
        } else if (r.status != 0 && r.status != 503) {
          ADD_FAILURE() << "unexpected answer " << r.Describe();
          return;
        }
      }
      if (!acked) {
        ADD_FAILURE() << "write " << key << " of writer " << index_ << " never acknowledged";
        return;
      }
    }
  }

  std::vector<std::string> acked() const {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_;
  }
  size_t count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_.size();
  }

 private:
  CoorddCluster* const cluster_;
  const std::string parent_;
  const int index_;
  mutable std::mutex mu_;
  std::vector<std::string> acked_;
};

std::set<std::string> Children(uint16_t port, const std::string& parent, bool serializable = false) {
  Reply r = Get(port, N(parent) + "?children=true" + (serializable ? "&consistency=serializable" : ""));
  std::set<std::string> out;
  if (!r.ok()) return out;
  for (const auto& name : r.json["children"]) out.insert(parent + "/" + name.get<std::string>());
  return out;
}

double Metric(uint16_t port, const std::string& series) {
  Reply m = Get(port, "/metrics");
  return MetricValue(m.body, series).value_or(-1);
}

TEST(Failover, LeaderKilledMidLoadWritesContinueExactlyOnce) {
  CoorddCluster c(3);
  ASSERT_TRUE(c.Start());
  ASSERT_TRUE(Post(c.client_port(1), N("/load"), json::object()).ok());
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<RetryingWriter>> writers;
  std::vector<std::thread> threads;
  // A failed ASSERT returns early: the writers must still be stopped and joined before the
  // cluster goes (a joinable std::thread's destructor terminates the test binary and leaves
  // the coordd children running).
  struct StopAndJoin {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~StopAndJoin() {
      stop.store(true);
      for (std::thread& t : threads) {
        if (t.joinable()) t.join();
      }
    }
  } stop_and_join{stop, threads};
  for (int i = 0; i < 3; ++i) {
    writers.push_back(std::make_unique<RetryingWriter>(&c, "/load", i));
    threads.emplace_back([&, w = writers.back().get()] { w->Run(stop); });
  }
  auto total = [&] {
    size_t n = 0;
    for (auto& w : writers) n += w->count();
    return n;
  };
  ASSERT_TRUE(Eventually([&] { return total() >= 60; }, std::chrono::seconds(20)));
  const uint64_t old_leader = c.AwaitLeader();
  ASSERT_NE(old_leader, 0u);
  c.Kill(old_leader);
  const size_t at_kill = total();
  const auto killed_at = Clock::now();
  const uint64_t new_leader = c.AwaitLeader();
  EXPECT_NE(new_leader, 0u);
  EXPECT_NE(new_leader, old_leader);
  const auto elected_after = Clock::now() - killed_at;
  ASSERT_TRUE(Eventually([&] { return total() >= at_kill + 60; }, std::chrono::seconds(30)))
      << "writes did not continue after the leader died";
  stop.store(true);
  for (auto& t : threads) t.join();
  std::printf("new leader after %lld ms; %zu writes acknowledged (%zu before the kill)\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(elected_after).count()),
              total(), at_kill);

  std::set<std::string> acked;
  for (auto& w : writers) {
    for (const std::string& p : w->acked()) EXPECT_TRUE(acked.insert(p).second) << "acknowledged twice: " << p;
  }
  // Every acknowledged write is there, and nothing else: each logical write applied once.
  for (uint64_t id : c.ids()) {
    if (!c.Running(id)) continue;
    EXPECT_EQ(Children(c.client_port(id), "/load"), acked) << "node " << id;
  }
  // The killed node restarts, catches up and agrees.
  c.StartNode(old_leader);
  ASSERT_TRUE(c.AwaitReady(old_leader));
  EXPECT_EQ(Children(c.client_port(old_leader), "/load", /*serializable=*/true), acked);
}

TEST(Failover, RestartedFollowerCatchesUpFromTheLogThenFromASnapshot) {
  CoorddCluster c(3, {"--snapshot-every", "100", "--snapshot-catchup-entries", "20"});
  ASSERT_TRUE(c.Start());
  const uint64_t leader = c.AwaitLeader();
  const uint64_t follower = c.AnyRunningExcept(leader);
  ASSERT_TRUE(Post(c.client_port(leader), N("/catchup"), json::object()).ok());
  c.Kill(follower);
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(Post(c.client_port(leader), N("/catchup/a" + std::to_string(i)), json::object()).ok());
  }
  c.StartNode(follower);
  ASSERT_TRUE(c.AwaitReady(follower));
  EXPECT_EQ(Children(c.client_port(follower), "/catchup", true).size(), 30u);
  EXPECT_EQ(Metric(c.client_port(follower), "coord_raft_snapshots_installed_total"), 0)
      << "30 entries behind: caught up from the log";

  c.Kill(follower);
  uint64_t third = 0;
  for (uint64_t id : c.ids()) {
    if (id != leader && id != follower) third = id;
  }
  // Enough writes for the leader to snapshot and compact past the follower's position. Not
  // 300: the leader keeps sending appends to the dead follower (up to 256 in flight), which
  // the transport queues and delivers once it is back, so the first ~256 entries would still
  // arrive by the log.
  for (int i = 0; i < 700; ++i) {
    Reply r = Post(c.client_port(i % 2 ? leader : third), N("/catchup/b" + std::to_string(i)),
                   {{"data", std::string(100, 'x')}});
    ASSERT_TRUE(r.ok()) << r.Describe();
  }
  EXPECT_GE(Metric(c.client_port(leader), "coord_raft_snapshots_taken_total"), 1);
  c.StartNode(follower);
  ASSERT_TRUE(c.AwaitReady(follower));
  EXPECT_GE(Metric(c.client_port(follower), "coord_raft_snapshots_installed_total"), 1)
      << "behind the compacted log: caught up from a snapshot";
  EXPECT_EQ(Children(c.client_port(follower), "/catchup", true).size(), 730u);
  EXPECT_EQ(Get(c.client_port(follower), N("/catchup/b699") + "?consistency=serializable").json["data"],
            std::string(100, 'x'));
}

TEST(Failover, MinorityAnswers503FastAndHeals) {
  CoorddCluster c(3, {"--leader-wait-ms", "800", "--request-timeout-ms", "2000"});
  ASSERT_TRUE(c.Start());
  ASSERT_TRUE(Post(c.client_port(1), N("/minority"), {{"data", "before"}}).ok());
  const uint64_t leader = c.AwaitLeader();
  const uint64_t other = c.AnyRunningExcept(leader);
  uint64_t survivor = 0;
  for (uint64_t id : c.ids()) {
    if (id != leader && id != other) survivor = id;
  }
  c.Kill(leader);
  c.Kill(other);
  const uint16_t p = c.client_port(survivor);
  // Once the survivor has noticed that it has no leader, every request that needs one fails
  // within --leader-wait-ms, with a JSON error.
  ASSERT_TRUE(Eventually([&] { return Get(p, "/ready").error_code == "NOT_READY"; }, std::chrono::seconds(10)));
  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    Reply w = Post(p, N("/minority/w" + std::to_string(i)), json::object());
    const auto took = Clock::now() - start;
    EXPECT_EQ(w.status, 503) << w.Describe();
    EXPECT_EQ(w.error_code, "NO_LEADER");
    EXPECT_LT(took, std::chrono::milliseconds(2500));
    Reply r = Get(p, N("/minority"));
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.error_code, "NO_LEADER");
  }
  EXPECT_EQ(Call(p, "POST", "/v1/sessions/1/keepalive").status, 503);
  // What the replica has is still readable on request, and the process is alive.
  Reply stale = Get(p, N("/minority") + "?consistency=serializable");
  EXPECT_EQ(stale.json["data"], "before");
  EXPECT_EQ(Get(p, "/health").status, 200);
  EXPECT_TRUE(Get(p, "/v1/cluster").json["leader"].is_null());

  c.StartNode(leader);
  c.StartNode(other);
  for (uint64_t id : c.ids()) ASSERT_TRUE(c.AwaitReady(id));
  EXPECT_TRUE(Post(p, N("/minority/after"), json::object()).ok());
  // The refused writes never happened.
  EXPECT_EQ(Get(p, N("/minority/w0")).status, 404);
}

TEST(Failover, AWriteInFlightWhenTheLeaderDiesIsAnsweredAfterTheElection) {
  // A long request timeout, so that an answer well before it can only come from the leader
  // change being noticed.
  CoorddCluster c(3, {"--request-timeout-ms", "20000"});
  ASSERT_TRUE(c.Start());
  const uint64_t leader = c.AwaitLeader();
  const uint64_t follower = c.AnyRunningExcept(leader);
  ASSERT_TRUE(Post(c.client_port(follower), N("/inflight"), json::object()).ok());
  c.Kill(leader);
  // The follower still takes the dead node for its leader and forwards the write to it.
  const auto start = Clock::now();
  Reply w = Post(c.client_port(follower), N("/inflight/w"), json::object());
  const auto took = Clock::now() - start;
  EXPECT_TRUE(w.ok() || w.error_code == "TIMEOUT" || w.error_code == "NO_LEADER") << w.Describe();
  EXPECT_LT(took, std::chrono::seconds(5)) << w.Describe();
  // Reads in flight are asked again of the new leader rather than failed.
  Reply r = Get(c.client_port(follower), N("/inflight"));
  EXPECT_TRUE(r.ok()) << r.Describe();
  c.StartNode(leader);
  ASSERT_TRUE(c.AwaitReady(leader));
}

// Found by the Jepsen sessions workload: a leader paused past its sessions' deadlines woke up
// and proposed their expiry; its proposals were forwarded to the new leader, which had been
// acknowledging those sessions' keepalives all along, and the ephemerals vanished. Whether the
// old leader proposes before or after it hears of its successor is a race, so the pause is
// repeated; a lost ephemeral never comes back, so checking after each round suffices.
TEST(Failover, APausedLeaderWakingUpDoesNotExpireSessionsKeptAliveMeanwhile) {
  CoorddCluster c(3);
  ASSERT_TRUE(c.Start());
  const std::vector<uint64_t> ids = c.ids();
  constexpr int kSessions = 8;
  std::vector<std::string> sessions;
  for (int i = 0; i < kSessions; ++i) {
    Reply s = Post(c.client_port(ids[0]), "/v1/sessions", {{"ttl_ms", 3000}});
    ASSERT_TRUE(s.ok()) << s.Describe();
    sessions.push_back(s.json["id"].get<std::string>());
    ASSERT_TRUE(Post(c.client_port(ids[0]), N("/paused-e" + std::to_string(i)),
                     {{"mode", "ephemeral"}, {"session", sessions.back()}}).ok());
  }
  // Keepalives every 300 ms through any node, as a client does: one that does not answer
  // within 150 ms (paused) or has no leader is retried on the next node, so that even a round
  // that meets the paused node first for every session ends well within the TTL.
  std::atomic<int> expired{0};
  // A jthread is stopped and joined on every way out of the test: a failed ASSERT returning
  // with a plain thread still joinable would terminate the process before the cluster's
  // destructor stops its nodes (they would outlive the test).
  std::jthread keeper([&](std::stop_token stop) {
    for (size_t round = 0; !stop.stop_requested(); ++round) {
      const auto next = Clock::now() + std::chrono::milliseconds(300);
      for (const std::string& id : sessions) {
        for (size_t attempt = 0; attempt < 10 && !stop.stop_requested(); ++attempt) {
          Reply k = Call(c.client_port(ids[(round + attempt) % ids.size()]), "POST",
                         "/v1/sessions/" + id + "/keepalive", {}, {}, std::chrono::milliseconds(150));
          if (k.ok()) break;
          if (k.status == 410) {
            expired.fetch_add(1);
            break;
          }
        }
      }
      std::this_thread::sleep_until(next);
    }
  });
  for (int round = 0; round < 3; ++round) {
    const uint64_t old_leader = c.AwaitLeader();
    ASSERT_NE(old_leader, 0u);
    std::vector<uint16_t> others;
    for (uint64_t id : ids) {
      if (id != old_leader) others.push_back(c.client_port(id));
    }
    // Paused for well over a TTL; the others elect a new leader meanwhile.
    c.node(old_leader).process->Signal(SIGSTOP);
    ASSERT_TRUE(Eventually([&] {
      Reply a = Get(others[0], "/v1/cluster");
      Reply b = Get(others[1], "/v1/cluster");
      return a.ok() && b.ok() && a.json["leader"].is_number_unsigned() &&
             a.json["leader"] != old_leader && a.json["leader"] == b.json["leader"];
    }, std::chrono::seconds(10)));
    std::this_thread::sleep_for(std::chrono::milliseconds(3500));  // the fault's duration
    c.node(old_leader).process->Signal(SIGCONT);
    // Once the woken node serves a linearizable read, it has heard of the new term.
    ASSERT_TRUE(Eventually([&] { return Get(c.client_port(old_leader), N("/")).ok(); },
                           std::chrono::seconds(10)));
    for (int i = 0; i < kSessions; ++i) {
      Reply e = Get(others[i % 2], N("/paused-e" + std::to_string(i)));
      ASSERT_TRUE(e.ok()) << "round " << round << ": ephemeral of a kept-alive session lost: "
                          << e.Describe();
    }
  }
  keeper.request_stop();
  keeper.join();
  EXPECT_EQ(expired.load(), 0) << "keepalives answered SESSION_EXPIRED";
}

}  // namespace
}  // namespace coord::api::testing
