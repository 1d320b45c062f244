// coordd's whole wiring (Daemon: storage, transport, Raft node, service, HTTP server) run
// inside the test process, so that the sanitizer build checks its threads: the apply thread
// publishing views while HTTP threads read them, completions on the replica's threads, the
// leader's duties, leader calls, and stops with requests in flight. Real sockets on loopback
// and real disk; the process-level tests (label cluster) cover the same ground with kill -9.
#include <atomic>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/coordd/daemon.h"
#include "api/coordd/flags.h"
#include "tests/api/api_client.h"
#include "tests/api/coordd_cluster.h"

namespace coord::api::testing {
namespace {

using nlohmann::json;

struct InProcessCluster {
  explicit InProcessCluster(int size) : dir(MakeTempDir("coordd-inproc")) {
    for (int i = 1; i <= size; ++i) {
      CoorddFlags f;
      f.id = static_cast<uint64_t>(i);
      f.data_dir = dir + "/node-" + std::to_string(i);
      f.listen_client = {"127.0.0.1", FreePort()};
      f.listen_peer = {"127.0.0.1", FreePort()};
      f.cluster_id = "inproc";
      f.tick_ms = 20;
      f.election_ticks = 25;  // sanitizers slow everything down
      f.request_timeout_ms = 5000;
      f.leader_wait_ms = 5000;
      f.http_threads = 2;
      flags.push_back(f);
    }
    for (auto& f : flags) {
      for (auto& g : flags) f.initial_cluster[g.id] = g.listen_peer;
    }
    for (auto& f : flags) {
      auto d = Daemon::Start(f);
      if (!d.ok()) {
        ADD_FAILURE() << d.status().ToString();
        daemons.emplace_back();
        continue;
      }
      daemons.push_back(std::move(*d));
    }
  }
  ~InProcessCluster() {
    daemons.clear();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  uint16_t port(size_t i) const { return flags[i].listen_client.port; }
  bool AwaitReady(size_t i) {
    return Eventually([&] { return Get(port(i), "/ready").ok(); }, std::chrono::seconds(30));
  }
  // Index of the leader as node i sees it, or -1.
  int Leader(size_t i) {
    Reply r = Get(port(i), "/v1/cluster");
    if (!r.ok() || !r.json["leader"].is_number()) return -1;
    return r.json["leader"].get<int>() - 1;
  }

  std::string dir;
  std::vector<CoorddFlags> flags;
  std::vector<std::unique_ptr<Daemon>> daemons;
};

TEST(InProcess, SingleNodeServesEveryRoute) {
  InProcessCluster c(1);
  ASSERT_TRUE(c.AwaitReady(0));
  const uint16_t p = c.port(0);
  ASSERT_TRUE(Post(p, "/v1/nodes/a", {{"data", "x"}}).ok());
  EXPECT_EQ(Get(p, "/v1/nodes/a").json["data"], "x");
  ASSERT_TRUE(Put(p, "/v1/nodes/a?version=0", {{"data", "y"}}).ok());
  Reply s = Post(p, "/v1/sessions", {{"ttl_ms", 1000}});
  ASSERT_TRUE(s.ok()) << s.Describe();
  const std::string id = s.json["id"];
  ASSERT_TRUE(Post(p, "/v1/nodes/a/e", {{"mode", "ephemeral"}, {"session", id}}).ok());
  EXPECT_TRUE(Call(p, "POST", "/v1/sessions/" + id + "/keepalive").ok());
  EXPECT_TRUE(Get(p, "/v1/sessions/" + id).ok());
  // Expired by the leader's duties.
  EXPECT_TRUE(Eventually([&] { return Get(p, "/v1/nodes/a/e").status == 404; }, std::chrono::seconds(10)));
  Reply t = Post(p, "/v1/txn", {{"ops", json::array({{{"op", "check"}, {"path", "/a"}, {"version", 1}},
                                                     {{"op", "delete"}, {"path", "/a"}}})}});
  EXPECT_TRUE(t.ok()) << t.Describe();
  EXPECT_TRUE(Get(p, "/v1/cluster").ok());
  EXPECT_EQ(Get(p, "/metrics").status, 200);
  EXPECT_EQ(Get(p, "/v1/nodes/a").error_code, "NO_NODE");
}

TEST(InProcess, ThreeNodesWithConcurrentClientsAndALeaderStop) {
  InProcessCluster c(3);
  for (size_t i = 0; i < 3; ++i) ASSERT_TRUE(c.AwaitReady(i));
  ASSERT_TRUE(Post(c.port(0), "/v1/nodes/load", json::object()).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        const uint16_t p = c.port(static_cast<size_t>((t + i) % 3));
        Reply r = (i % 2) ? Post(p, "/v1/nodes/load/w-", {{"mode", "sequential"}})
                          : Get(p, "/v1/nodes/load?children=true");
        if (r.ok()) ++ok;
      }
    });
  }
  ASSERT_TRUE(Eventually([&] { return ok.load() >= 100; }, std::chrono::seconds(30)));
  const int leader = c.Leader(0);
  ASSERT_GE(leader, 0);
  // A clean stop with requests in flight on it and through it.
  c.daemons[static_cast<size_t>(leader)]->Stop();
  const int before = ok.load();
  EXPECT_TRUE(Eventually([&] { return ok.load() >= before + 50; }, std::chrono::seconds(30)))
      << "no progress after the leader stopped";
  stop.store(true);
  for (auto& t : clients) t.join();
  const size_t survivor = static_cast<size_t>((leader + 1) % 3);
  EXPECT_TRUE(Get(c.port(survivor), "/v1/nodes/load").ok());
}

}  // namespace
}  // namespace coord::api::testing
