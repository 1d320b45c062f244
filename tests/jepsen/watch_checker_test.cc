// The watch checker: same events, same zxid order, no gaps; resyncs excuse compacted ranges.
#include <gtest/gtest.h>

#include "jepsen/watch_checker.h"
#include "tests/jepsen/history_builder.h"

namespace coord::jepsen {
namespace {

using testing::HistoryBuilder;
using testing::kMs;

struct WatchHistory {
  HistoryBuilder b;
  int64_t t = 0;  // ms; each call advances it so records keep their order
  void Write(int64_t p, const std::string& f, const std::string& path, int64_t zxid) {
    t += 2;
    b.Add(p, f, path, 1, t * kMs, OpType::kOk, 1, (t + 1) * kMs, std::nullopt, Json{{"zxid", zxid}});
  }
  void Watch(int64_t p, int64_t from) {
    t += 2;
    b.Add(p, "watch", "/w", nullptr, t * kMs, OpType::kOk, nullptr, (t + 1) * kMs, std::nullopt,
          Json{{"zxid", from}});
  }
  void Event(int64_t p, const std::string& type, const std::string& path, int64_t zxid) {
    t += 2;
    Op op;
    op.process = p;
    op.type = OpType::kOk;
    op.f = "event";
    op.key = path;
    op.value = type;
    op.time = t * kMs;
    op.extra["zxid"] = zxid;
    b.Record(op);
  }
  // Two watchers from zxid 10 and three writes at 11, 12, 13.
  void Standard(bool deliver_all = true) {
    Watch(100, 10);
    Watch(101, 10);
    Write(1, "create", "/w/a", 11);
    Write(1, "set", "/w/a", 12);
    Write(2, "delete", "/w/a", 13);
    if (deliver_all) {
      for (int64_t p : {100, 101}) {
        Event(p, "created", "/w/a", 11);
        Event(p, "data_changed", "/w/a", 12);
        Event(p, "deleted", "/w/a", 13);
      }
    }
  }
  Result<CheckResult> Check() {
    h = b.Build();
    return CheckWatchHistory(h);
  }
  PairedHistory h;
};

CheckResult MustCheck(WatchHistory& w) {
  Result<CheckResult> r = w.Check();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r.value() : CheckResult{};
}

TEST(WatchCheckerTest, AgreeingWatchersAreValid) {
  WatchHistory w;
  w.Standard();
  CheckResult r = MustCheck(w);
  EXPECT_EQ(r.verdict, Verdict::kValid) << r.message;
  EXPECT_EQ(r.details["events_received"], 6);
}

TEST(WatchCheckerTest, WatchGap) {
  WatchHistory w;
  w.Standard(false);
  w.Event(100, "created", "/w/a", 11);
  w.Event(100, "deleted", "/w/a", 13);  // 12 missing
  w.Event(101, "created", "/w/a", 11);
  w.Event(101, "data_changed", "/w/a", 12);
  w.Event(101, "deleted", "/w/a", 13);
  CheckResult r = MustCheck(w);
  ASSERT_EQ(r.verdict, Verdict::kInvalid);
  ASSERT_EQ(r.anomalies.size(), 1u);
  const Anomaly& a = r.anomalies[0];
  EXPECT_EQ(a.kind, "watch-gap");
  EXPECT_EQ(a.key, "process 100");
  EXPECT_NE(a.message.find("zxid 12"), std::string::npos) << a.message;
  bool has_write = false;
  for (size_t i : a.ops) has_write |= w.h.operations[i].f == "set";
  EXPECT_TRUE(has_write) << "the write whose event was missed";
}

TEST(WatchCheckerTest, ResyncExcusesTheCompactedRange) {
  WatchHistory w;
  w.Standard(false);
  w.Event(100, "created", "/w/a", 11);
  w.Event(100, "resync", "/w", 12);  // 12 compacted away; the client re-read at 12
  w.Event(100, "deleted", "/w/a", 13);
  for (auto [type, z] : std::vector<std::pair<std::string, int>>{{"created", 11}, {"data_changed", 12}, {"deleted", 13}}) {
    w.Event(101, type, "/w/a", z);
  }
  CheckResult r = MustCheck(w);
  EXPECT_EQ(r.verdict, Verdict::kValid) << r.message;
  EXPECT_EQ(r.details["resyncs"], 1);
}

TEST(WatchCheckerTest, WatchReorder) {
  WatchHistory w;
  w.Standard(false);
  w.Event(100, "created", "/w/a", 11);
  w.Event(100, "deleted", "/w/a", 13);
  w.Event(100, "data_changed", "/w/a", 12);
  CheckResult r = MustCheck(w);
  ASSERT_EQ(r.verdict, Verdict::kInvalid);
  EXPECT_EQ(r.anomalies.at(0).kind, "watch-reorder");
  EXPECT_EQ(w.h.operations[r.anomalies.at(0).culprits.at(0)].output, "data_changed");
}

TEST(WatchCheckerTest, WatchDuplicate) {
  WatchHistory w;
  w.Standard();
  w.Event(101, "deleted", "/w/a", 13);
  CheckResult r = MustCheck(w);
  ASSERT_EQ(r.verdict, Verdict::kInvalid);
  ASSERT_EQ(r.anomalies.size(), 1u);
  EXPECT_EQ(r.anomalies[0].kind, "watch-duplicate");
  EXPECT_EQ(r.anomalies[0].key, "process 101");
}

TEST(WatchCheckerTest, ClientsDisagreeingAboutAZxid) {
  WatchHistory w;
  w.Watch(100, 10);
  w.Watch(101, 10);
  w.Write(1, "create", "/w/a", 11);
  w.Event(100, "created", "/w/a", 11);
  w.Event(101, "created", "/w/b", 11);  // another story for zxid 11
  CheckResult r = MustCheck(w);
  ASSERT_EQ(r.verdict, Verdict::kInvalid);
  std::set<std::string> kinds;
  for (const Anomaly& a : r.anomalies) kinds.insert(a.kind);
  EXPECT_TRUE(kinds.count("watch-disagreement")) << r.message;
  EXPECT_TRUE(kinds.count("watch-phantom")) << "zxid 11 was the create of /w/a";
}

TEST(WatchCheckerTest, ClientsDisagreeingWithoutAnyKnownWrite) {
  WatchHistory w;
  w.Watch(100, 10);
  w.Watch(101, 10);
  w.Event(100, "children", "/w", 11);
  w.Event(101, "children", "/x", 11);
  CheckResult r = MustCheck(w);
  ASSERT_EQ(r.verdict, Verdict::kInvalid);
  for (const Anomaly& a : r.anomalies) EXPECT_EQ(a.kind, "watch-disagreement");
  EXPECT_EQ(r.anomalies.size(), 2u);
}

TEST(WatchCheckerTest, DifferentOrderWithinOneZxid) {
  WatchHistory w;
  w.Watch(100, 10);
  w.Watch(101, 10);
  w.Event(100, "children", "/w", 11);
  w.Event(100, "children", "/x", 11);
  w.Event(101, "children", "/x", 11);
  w.Event(101, "children", "/w", 11);
  CheckResult r = MustCheck(w);
  ASSERT_EQ(r.verdict, Verdict::kInvalid);
  EXPECT_EQ(r.anomalies.at(0).kind, "watch-disagreement");
  EXPECT_NE(r.anomalies.at(0).message.find("different orders"), std::string::npos);
}

TEST(WatchCheckerTest, PhantomEvent) {
  WatchHistory w;
  w.Standard();
  w.Event(100, "created", "/w/zzz", 14);
  CheckResult r = MustCheck(w);
  ASSERT_EQ(r.verdict, Verdict::kInvalid);
  std::set<std::string> kinds;
  for (const Anomaly& a : r.anomalies) kinds.insert(a.kind);
  EXPECT_TRUE(kinds.count("watch-phantom"));
}

TEST(WatchCheckerTest, ProgressBookmarkExtendsTheCheckedRange) {
  WatchHistory w;
  w.Standard(false);
  for (int64_t p : {100, 101}) w.Event(p, "created", "/w/a", 11);
  w.Event(100, "progress", "/w", 13);  // claims everything up to 13: 12 and 13 are missing
  w.Event(101, "progress", "/w", 11);  // honest: nothing claimed past 11
  CheckResult r = MustCheck(w);
  ASSERT_EQ(r.verdict, Verdict::kInvalid);
  ASSERT_EQ(r.anomalies.size(), 1u);
  EXPECT_EQ(r.anomalies[0].kind, "watch-gap");
  EXPECT_EQ(r.anomalies[0].key, "process 100");
  EXPECT_NE(r.anomalies[0].message.find("and 1 more up to zxid 13"), std::string::npos)
      << r.anomalies[0].message;
}

TEST(WatchCheckerTest, PositionGoingBackIsAReorder) {
  WatchHistory w;
  w.Standard();
  w.Event(100, "progress", "/w", 12);
  CheckResult r = MustCheck(w);
  ASSERT_EQ(r.verdict, Verdict::kInvalid);
  EXPECT_EQ(r.anomalies.at(0).kind, "watch-reorder");
}

TEST(WatchCheckerTest, NoEventsIsUnknown) {
  WatchHistory w;
  w.Standard(false);
  EXPECT_EQ(MustCheck(w).verdict, Verdict::kUnknown);
}

}  // namespace
}  // namespace coord::jepsen
