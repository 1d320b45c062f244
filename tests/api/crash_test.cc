// kill -9 of all three coordd processes in the middle of a write load, then a restart: every
// write that was acknowledged is present, with its data, in the order it was acknowledged.
#include <signal.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/api/api_client.h"
#include "tests/api/coordd_cluster.h"

namespace coord::api::testing {
namespace {

using nlohmann::json;

std::string N(const std::string& path) { return "/v1/nodes" + path; }

struct Ack {
  std::string path;
  uint64_t zxid;
  int seq;  // the writer's own counter
};

TEST(Crash, KillingEveryNodeMidLoadLosesNoAcknowledgedWrite) {
  CoorddCluster c(3);
  ASSERT_TRUE(c.Start());
  ASSERT_TRUE(Post(c.client_port(1), N("/log"), json::object()).ok());
  constexpr int kWriters = 3;
  std::atomic<bool> crashed{false};
  std::mutex mu;
  std::map<int, std::vector<Ack>> acks;  // by writer, in acknowledgement order
  std::atomic<int> total{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      // Each writer talks to its own node, one write at a time.
      const uint16_t port = c.client_port(static_cast<uint64_t>(w + 1));
      for (int i = 0; !crashed.load(); ++i) {
        const json body = {{"mode", "sequential"}, {"data", std::to_string(i)}};
        Reply r = Call(port, "POST", N("/log/w" + std::to_string(w) + "-"), body.dump(), {},
                       std::chrono::seconds(5));
        if (!r.ok()) continue;  // no answer or 503: not acknowledged, may or may not exist
        if (!r.json.is_object() || !r.json.contains("path")) {
          ADD_FAILURE() << "acknowledged without a path: " << r.Describe();
          continue;
        }
        std::lock_guard<std::mutex> lock(mu);
        acks[w].push_back({r.json["path"].get<std::string>(), r.json["zxid"].get<uint64_t>(), i});
        ++total;
      }
    });
  }
  ASSERT_TRUE(Eventually([&] { return total.load() >= 150; }, std::chrono::seconds(30)));
  // All three at once, while writes are in flight.
  for (uint64_t id : c.ids()) ::kill(c.node(id).process->pid(), SIGKILL);
  crashed.store(true);
  for (uint64_t id : c.ids()) ASSERT_TRUE(c.Stop(id, SIGKILL).has_value());
  for (auto& t : threads) t.join();

  for (uint64_t id : c.ids()) c.StartNode(id);
  for (uint64_t id : c.ids()) ASSERT_TRUE(c.AwaitReady(id));

  // What every node holds, with stats (czxid = the zxid at which each write took effect).
  std::map<uint64_t, std::map<std::string, uint64_t>> held;
  for (uint64_t id : c.ids()) {
    Reply r = Get(c.client_port(id), N("/log") + "?children=true&stats=true");
    ASSERT_TRUE(r.ok()) << r.Describe();
    for (size_t k = 0; k < r.json["children"].size(); ++k) {
      held[id]["/log/" + r.json["children"][k].get<std::string>()] =
          r.json["child_stats"][k]["czxid"].get<uint64_t>();
    }
  }
  EXPECT_EQ(held[1], held[2]);
  EXPECT_EQ(held[1], held[3]);
  size_t checked = 0;
  for (const auto& [w, list] : acks) {
    uint64_t previous_zxid = 0;
    for (const Ack& a : list) {
      auto it = held[1].find(a.path);
      ASSERT_NE(it, held[1].end()) << "acknowledged write lost: " << a.path;
      EXPECT_EQ(it->second, a.zxid) << a.path;
      // In order: a writer's acknowledged writes took effect in the order it made them.
      EXPECT_GT(a.zxid, previous_zxid) << a.path;
      previous_zxid = a.zxid;
      ++checked;
    }
    // And with their data (the last few, which were the most at risk).
    for (size_t k = list.size() > 5 ? list.size() - 5 : 0; k < list.size(); ++k) {
      Reply got = Get(c.client_port(2), N(list[k].path));
      ASSERT_TRUE(got.ok()) << got.Describe();
      EXPECT_EQ(got.json["data"], std::to_string(list[k].seq));
    }
  }
  std::printf("%zu acknowledged writes checked after killing all nodes\n", checked);
  // The cluster takes writes again.
  EXPECT_TRUE(Post(c.client_port(3), N("/log/after"), json::object()).ok());
}

}  // namespace
}  // namespace coord::api::testing
