// Watches over HTTP against a real 3-process cluster: long-poll and SSE on /v1/watch, and the
// one-shot watches set by reads (?watch=) delivered on /v1/sessions/<id>/events. Each of the
// guarantees of docs/watch.md has its own test here, over real sockets.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/api/cluster_fixture.h"
#include "tests/api/watch_client.h"

namespace coord::api::testing {
namespace {

using nlohmann::json;

std::string N(const std::string& path) { return "/v1/nodes" + path; }

uint64_t Create(uint16_t via, const std::string& path) {
  Reply r = Post(via, N(path), json::object());
  EXPECT_TRUE(r.ok()) << path << ": " << r.Describe();
  return r.ok() ? r.json["zxid"].get<uint64_t>() : 0;
}

uint64_t SetData(uint16_t via, const std::string& path, const std::string& data) {
  Reply r = Put(via, N(path), {{"data", data}});
  EXPECT_TRUE(r.ok()) << path << ": " << r.Describe();
  return r.ok() ? r.json["zxid"].get<uint64_t>() : 0;
}

// The zxid the node at `via` has applied (a serializable read of "/").
uint64_t CurrentZxid(uint16_t via) {
  return Get(via, N("/") + "?consistency=serializable").json["zxid"].get<uint64_t>();
}

std::string WatchUrl(const std::string& path, const std::string& extra = "") {
  return "/v1/watch?path=" + path + (extra.empty() ? "" : "&" + extra);
}

class Watch : public ClusterTest {
 protected:
  static void SetUpTestSuite() { StartShared(3, {"--watch-progress-ms", "200"}); }
  static void TearDownTestSuite() { StopShared(); }
};

TEST_F(Watch, LongPollReturnsTheEventsAfterSinceThenAnEmptyBatchAtTheTimeout) {
  const std::string p = Unique();
  const uint64_t before = CurrentZxid(leader_port());
  const uint64_t z1 = Create(leader_port(), p);
  const uint64_t z2 = SetData(leader_port(), p, "x");

  Reply r = Get(follower_port(), WatchUrl(p, "since=" + std::to_string(before) + "&timeout_ms=5000"));
  ASSERT_TRUE(r.ok()) << r.Describe();
  ASSERT_EQ(r.json["events"].size(), 2u) << r.body;
  EXPECT_EQ(r.json["events"][0], (json{{"type", "created"}, {"path", p}, {"zxid", z1}}));
  EXPECT_EQ(r.json["events"][1], (json{{"type", "data_changed"}, {"path", p}, {"zxid", z2}}));
  EXPECT_GE(r.json["zxid"].get<uint64_t>(), z2);

  const auto start = std::chrono::steady_clock::now();
  Reply idle = Get(follower_port(), WatchUrl(p, "since=" + r.json["zxid"].dump() + "&timeout_ms=300"));
  ASSERT_TRUE(idle.ok()) << idle.Describe();
  EXPECT_TRUE(idle.json["events"].empty()) << idle.body;
  EXPECT_GE(idle.json["zxid"].get<uint64_t>(), r.json["zxid"].get<uint64_t>());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
}

TEST_F(Watch, LongPollAnswersWhenTheFirstEventArrives) {
  const std::string p = Unique();
  const uint64_t since = CurrentZxid(port(1));
  std::atomic<uint64_t> created{0};
  std::thread later([&] {
    EXPECT_TRUE(Eventually([&] { return Get(port(1), "/metrics").body.find("coord_watchers 1") != std::string::npos; }));
    created = Create(leader_port(), p);
  });
  Reply r = Get(port(1), WatchUrl(p, "since=" + std::to_string(since) + "&timeout_ms=20000"));
  later.join();
  ASSERT_TRUE(r.ok()) << r.Describe();
  ASSERT_EQ(r.json["events"].size(), 1u) << r.body;
  EXPECT_EQ(r.json["events"][0]["zxid"], created.load());
  EXPECT_EQ(r.json["events"][0]["type"], "created");
}

TEST_F(Watch, SseIsOrderedWithoutGapsOrRepeatsUnderConcurrentWrites) {
  const std::string p = Unique();
  // since = the parent's creation: a follower may not have applied it yet when we register.
  const uint64_t base = Create(leader_port(), p);
  SseWatch w(follower_port(), WatchUrl(p, "recursive=true&since=" + std::to_string(base)));
  ASSERT_EQ(w.status(), 200);

  std::mutex mu;
  std::set<uint64_t> acked;
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      const uint16_t via = port(static_cast<uint64_t>(t % 3 + 1));
      for (int i = 0; i < 25; ++i) {
        const uint64_t z = Create(via, p + "/w" + std::to_string(t) + "-" + std::to_string(i));
        std::lock_guard<std::mutex> lock(mu);
        acked.insert(z);
      }
    });
  }
  for (auto& t : writers) t.join();
  const uint64_t last = *acked.rbegin();
  w.ReadUntil([&](const std::vector<SseMessage>& m) {
    std::vector<uint64_t> z = BatchZxids(m);
    return !z.empty() && z.back() >= last;
  });
  const std::vector<uint64_t> seen = BatchZxids(w.messages());
  ASSERT_FALSE(seen.empty());
  for (size_t i = 1; i < seen.size(); ++i) ASSERT_LT(seen[i - 1], seen[i]) << "ordered, no repeats";
  for (uint64_t z : acked) {
    EXPECT_TRUE(std::binary_search(seen.begin(), seen.end(), z)) << "acknowledged write " << z << " missing";
  }
  std::set<std::string> created;
  for (const json& e : BatchEvents(w.messages())) {
    EXPECT_EQ(e["path"].get<std::string>().rfind(p, 0), 0u) << e;
    if (e["type"] == "created") {
      EXPECT_TRUE(created.insert(e["path"]).second) << "twice: " << e;
    }
  }
  EXPECT_EQ(created.size(), 100u);
}

TEST_F(Watch, AMultiArrivesAsOneMessageWithOneZxid) {
  const std::string p = Unique();
  const uint64_t base = Create(leader_port(), p);
  SseWatch w(port(2), WatchUrl(p, "recursive=true&since=" + std::to_string(base)));
  ASSERT_EQ(w.status(), 200);
  Reply txn = Post(leader_port(), "/v1/txn",
                   {{"ops", json::array({{{"op", "create"}, {"path", p + "/a"}},
                                         {{"op", "create"}, {"path", p + "/b"}},
                                         {{"op", "set"}, {"path", p}, {"data", "v"}}})}});
  ASSERT_TRUE(txn.ok()) << txn.Describe();
  const uint64_t z = txn.json["zxid"];
  w.ReadUntil([](const std::vector<SseMessage>& m) { return !BatchZxids(m).empty(); });
  ASSERT_EQ(BatchZxids(w.messages()), std::vector<uint64_t>{z});
  const json batch = w.messages().front().Json();
  ASSERT_EQ(batch["events"].size(), 3u) << batch;
  for (const json& e : batch["events"]) EXPECT_EQ(e["zxid"], z);
}

TEST_F(Watch, ResumesOnAnotherNodeWithLastEventIdWithoutGapOrRepeat) {
  const std::string p = Unique();
  const uint64_t base = Create(leader_port(), p);
  std::vector<uint64_t> first, second;
  std::string last_id;
  {
    SseWatch w(port(1), WatchUrl(p, "recursive=true&since=" + std::to_string(base)));
    ASSERT_EQ(w.status(), 200);
    for (int i = 0; i < 5; ++i) first.push_back(Create(leader_port(), p + "/a" + std::to_string(i)));
    w.ReadUntil([&](const std::vector<SseMessage>& m) {
      auto z = BatchZxids(m);
      return !z.empty() && z.back() >= first.back();
    });
    EXPECT_EQ(BatchZxids(w.messages()), first);
    last_id = w.messages().back().id;
  }  // disconnected
  for (int i = 0; i < 5; ++i) second.push_back(Create(leader_port(), p + "/b" + std::to_string(i)));
  SseWatch resumed(port(2), WatchUrl(p, "recursive=true"), last_id);
  ASSERT_EQ(resumed.status(), 200);
  resumed.ReadUntil([&](const std::vector<SseMessage>& m) {
    auto z = BatchZxids(m);
    return !z.empty() && z.back() >= second.back();
  });
  EXPECT_EQ(BatchZxids(resumed.messages()), second) << "exactly the writes after Last-Event-ID";
}

TEST_F(Watch, OneShotDataWatchFiresExactlyOnce) {
  const std::string p = Unique();
  const uint64_t base = Create(leader_port(), p);
  SseWatch w(port(3), WatchUrl(p, "kind=data&since=" + std::to_string(base)));
  ASSERT_EQ(w.status(), 200);
  const uint64_t z1 = SetData(leader_port(), p, "1");
  SetData(leader_port(), p, "2");
  w.ReadUntil([](const std::vector<SseMessage>&) { return false; });  // until the stream ends
  EXPECT_TRUE(w.ended());
  ASSERT_EQ(BatchZxids(w.messages()), std::vector<uint64_t>{z1});
  EXPECT_EQ(w.messages().back().event, "end");
  EXPECT_EQ(w.messages().back().Json()["code"], "FIRED");
}

TEST_F(Watch, RecursiveCoversTheSubtreeAndNotSiblings) {
  const std::string p = Unique();
  Create(leader_port(), p);
  Create(leader_port(), p + "/a");
  const uint64_t since = CurrentZxid(leader_port());
  const uint64_t deep1 = Create(leader_port(), p + "/a/x");
  const uint64_t deep2 = Create(leader_port(), p + "/a/x/y");
  Create(leader_port(), p + "/ab");  // a sibling sharing the prefix as a string
  Create(leader_port(), p + "/b");
  const uint64_t self = SetData(leader_port(), p + "/a", "v");
  Reply r = Get(leader_port(), WatchUrl(p + "/a", "recursive=true&since=" + std::to_string(since) + "&timeout_ms=1000"));
  ASSERT_TRUE(r.ok()) << r.Describe();
  std::vector<std::pair<std::string, uint64_t>> got;
  for (const json& e : r.json["events"]) got.emplace_back(e["path"], e["zxid"]);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, uint64_t>>{
                     {p + "/a/x", deep1}, {p + "/a/x/y", deep2}, {p + "/a", self}}));
}

TEST_F(Watch, IdleWatchersGetProgressBookmarks) {
  const std::string p = Unique();
  SseWatch w(port(2), WatchUrl(p));
  ASSERT_EQ(w.status(), 200);
  const uint64_t elsewhere = Create(leader_port(), p + "-elsewhere");
  w.ReadUntil([&](const std::vector<SseMessage>& m) {
    for (const SseMessage& s : m) {
      if (s.event == "progress" && std::stoull(s.id) >= elsewhere) return true;
    }
    return false;
  });
  bool found = false;
  for (const SseMessage& s : w.messages()) {
    EXPECT_NE(s.event, "") << "no batch for an unrelated write";
    if (s.event == "progress" && std::stoull(s.id) >= elsewhere) {
      found = true;
      EXPECT_EQ(s.Json()["zxid"].get<uint64_t>(), std::stoull(s.id));
    }
  }
  EXPECT_TRUE(found) << "a bookmark at or past " << elsewhere;
}

TEST_F(Watch, WatchOnAnEphemeralFiresWhenItsSessionExpires) {
  const std::string p = Unique();
  Reply s = Post(leader_port(), "/v1/sessions", {{"ttl_ms", 1000}});
  ASSERT_TRUE(s.ok()) << s.Describe();
  const std::string id = s.json["id"];
  Reply e = Post(leader_port(), N(p), {{"mode", "ephemeral"}, {"session", id}});
  ASSERT_TRUE(e.ok()) << e.Describe();
  const auto start = std::chrono::steady_clock::now();
  Reply r = Get(port(3), WatchUrl(p, "kind=data&since=" + e.json["zxid"].dump() + "&timeout_ms=15000"));
  ASSERT_TRUE(r.ok()) << r.Describe();
  ASSERT_EQ(r.json["events"].size(), 1u) << r.body;
  EXPECT_EQ(r.json["events"][0]["type"], "deleted");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(Watch, ReadsSetOneShotWatchesDeliveredOnTheSessionsEvents) {
  const std::string p = Unique();
  Create(leader_port(), p);
  Reply s = Post(leader_port(), "/v1/sessions", {{"ttl_ms", 30000}});
  ASSERT_TRUE(s.ok());
  const std::string id = s.json["id"];
  const std::string hdr = "Coord-Session: " + id + "\r\n";
  const uint16_t via = port(2);  // watches live on the node the client talks to

  Reply data = Call(via, "GET", N(p) + "?watch=data", {}, hdr);
  ASSERT_TRUE(data.ok()) << data.Describe();
  EXPECT_EQ(data.json["watch"], (json{{"kind", "data"}, {"path", p}}));
  Reply kids = Call(via, "GET", N(p) + "?children=true&watch=children", {}, hdr);
  ASSERT_TRUE(kids.ok()) << kids.Describe();
  Reply missing = Call(via, "GET", N(p + "-later") + "?watch=exists", {}, hdr);
  EXPECT_EQ(missing.status, 404);

  const uint64_t set1 = SetData(leader_port(), p, "1");
  SetData(leader_port(), p, "2");  // the data watch fired already: no second notification
  const uint64_t child = Create(leader_port(), p + "/c");
  const uint64_t later = Create(leader_port(), p + "-later");

  std::vector<json> got;
  ASSERT_TRUE(Eventually([&] {
    Reply ev = Get(via, "/v1/sessions/" + id + "/events?timeout_ms=500");
    EXPECT_TRUE(ev.ok()) << ev.Describe();
    for (const json& e : ev.json["events"]) got.push_back(e);
    return got.size() >= 3;
  }));
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0]["zxid"], set1);
  EXPECT_EQ(got[0]["type"], "data_changed");
  EXPECT_EQ(got[1]["zxid"], child);
  EXPECT_EQ(got[1]["watch"]["kind"], "children");
  EXPECT_EQ(got[2]["zxid"], later);
  EXPECT_EQ(got[2]["type"], "created");
  Reply quiet = Get(via, "/v1/sessions/" + id + "/events?timeout_ms=300");
  EXPECT_TRUE(quiet.ok());
  EXPECT_TRUE(quiet.json["events"].empty()) << "each one-shot fired once: " << quiet.body;

  ASSERT_TRUE(Delete(leader_port(), "/v1/sessions/" + id).ok());
  EXPECT_TRUE(Eventually([&] { return Get(via, "/v1/sessions/" + id + "/events?timeout_ms=100").status == 410; }));
  EXPECT_EQ(Call(via, "GET", N(p) + "?watch=data", {}, hdr).status, 410);
}

TEST_F(Watch, BadParametersAre400) {
  const uint16_t via = port(1);
  EXPECT_EQ(Get(via, "/v1/watch").error_code, "INVALID_PARAMETER") << "path is required";
  EXPECT_EQ(Get(via, "/v1/watch?path=nope").error_code, "INVALID_PATH");
  EXPECT_EQ(Get(via, "/v1/watch?path=/a&kind=sometimes").error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Get(via, "/v1/watch?path=/a&since=-1").error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Get(via, "/v1/watch?path=/a&since=99999999999999999999999").error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Get(via, "/v1/watch?path=/a&timeout_ms=999999999").error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Get(via, "/v1/watch?path=/a&kind=data&recursive=true").error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Get(via, "/v1/watch?path=/a&bogus=1").error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Get(via, N("/") + "?watch=data").error_code, "INVALID_PARAMETER") << "needs a session";
  EXPECT_EQ(Call(via, "GET", N("/") + "?watch=always", {}, "Coord-Session: 1\r\n").error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Get(via, "/v1/sessions/abc/events").error_code, "INVALID_PARAMETER");
  SseWatch bad(via, WatchUrl("/a"), "not-a-zxid");
  EXPECT_EQ(bad.status(), 400);
}

// Small limits on one node: the compacted history, the watcher limit, the slow consumer.
class WatchLimits : public ClusterTest {
 protected:
  static void SetUpTestSuite() {
    StartShared(1, {"--watch-history-events", "20", "--watch-queue-events", "64", "--max-watchers", "3",
                    "--watch-stream-buffer-bytes", "65536"});
  }
  static void TearDownTestSuite() { StopShared(); }

  void SetUp() override {
    ClusterTest::SetUp();
    // Watchers of the previous test are released when their connections close.
    ASSERT_TRUE(Eventually([] { return Get(port(1), "/metrics").body.find("\ncoord_watchers 0") != std::string::npos; }));
  }
};

TEST_F(WatchLimits, SinceOlderThanTheHistoryIs410Compacted) {
  const std::string p = Unique();
  Create(port(1), p);
  for (int i = 0; i < 30; ++i) SetData(port(1), p, std::to_string(i));
  Reply r = Get(port(1), WatchUrl(p, "since=1&timeout_ms=100"));
  EXPECT_EQ(r.status, 410) << r.Describe();
  EXPECT_EQ(r.error_code, "WATCH_COMPACTED");
  SseWatch s(port(1), WatchUrl(p), "1");
  EXPECT_EQ(s.status(), 410);
  // From the current zxid it works.
  Reply ok = Get(port(1), WatchUrl(p, "since=" + std::to_string(CurrentZxid(port(1))) + "&timeout_ms=100"));
  EXPECT_TRUE(ok.ok()) << ok.Describe();
}

TEST_F(WatchLimits, BeyondMaxWatchersIs429WhileOthersKeepWorking) {
  const std::string p = Unique();
  Create(port(1), p);
  std::vector<std::unique_ptr<SseWatch>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<SseWatch>(port(1), WatchUrl(p)));
    ASSERT_EQ(open.back()->status(), 200);
  }
  Reply refused = Get(port(1), WatchUrl(p, "timeout_ms=100"));
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.error_code, "TOO_MANY_WATCHERS");
  EXPECT_EQ(refused.retry_after, "1");
  EXPECT_NE(Get(port(1), "/metrics").body.find("\ncoord_watchers 3"), std::string::npos);
  const uint64_t z = SetData(port(1), p, "still served");
  for (auto& w : open) {
    w->ReadUntil([&](const std::vector<SseMessage>& m) { return !BatchZxids(m).empty(); });
    EXPECT_EQ(BatchZxids(w->messages()), std::vector<uint64_t>{z});
  }
  open.pop_back();  // a slot frees when its connection closes
  EXPECT_TRUE(Eventually([&] { return Get(port(1), WatchUrl(p, "timeout_ms=10")).ok(); }));
}

TEST_F(WatchLimits, ASlowConsumerIsCutWhileAnotherContinues) {
  const std::string p = Unique();
  Create(port(1), p);
  // More than the kernel can buffer on a loopback connection (tcp_wmem's 4 MiB maximum on
  // the server's side, a tiny window on the client's): ~7 MB of events.
  const std::string long_name(3500, 'x');
  constexpr int kThreads = 8, kPerThread = 250;
  constexpr size_t kWrites = kThreads * kPerThread;
  SlowSseReader slow(port(1), WatchUrl(p, "recursive=true"));  // not read until the end
  ASSERT_TRUE(slow.ok());
  SseWatch fast(port(1), WatchUrl(p, "recursive=true"));
  ASSERT_EQ(fast.status(), 200);
  std::atomic<int> done{0};
  std::atomic<uint64_t> last{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const uint64_t z = Create(port(1), p + "/" + std::to_string(t) + "-" + std::to_string(i) + long_name);
        uint64_t prev = last.load();
        while (z > prev && !last.compare_exchange_weak(prev, z)) {
        }
      }
      ++done;
    });
  }
  // The fast consumer keeps up with everything.
  fast.ReadUntilLastId([&](uint64_t id) { return done.load() == kThreads && id >= last.load(); });
  for (auto& t : writers) t.join();
  EXPECT_EQ(BatchZxids(fast.messages()).size(), kWrites) << "every write, in one message each";
  // The slow one was cut, with where to resume.
  const std::vector<SseMessage> got = slow.ReadToEnd(std::chrono::seconds(20));
  ASSERT_FALSE(got.empty());
  const SseMessage& end = got.back();
  EXPECT_EQ(end.event, "end");
  EXPECT_EQ(end.Json()["code"], "WATCHER_TOO_SLOW") << end.data;
  EXPECT_LT(BatchZxids(got).size(), kWrites);
  const uint64_t resume = end.Json().value("resume_since", uint64_t{0});
  if (!BatchZxids(got).empty()) {
    EXPECT_GE(resume, BatchZxids(got).back()) << "resume after what was delivered";
  }
  EXPECT_NE(Get(port(1), "/metrics").body.find("coord_watchers_cut_total{reason=\"too_slow\"} "), std::string::npos);
}

}  // namespace
}  // namespace coord::api::testing
