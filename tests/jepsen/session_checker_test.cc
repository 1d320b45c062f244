// The sessions checker: ephemerals of kept-alive sessions stay; those of abandoned or closed
// sessions go, within TTL plus the documented bound (stretched by fault windows).
#include <gtest/gtest.h>

#include "jepsen/session_checker.h"
#include "tests/jepsen/history_builder.h"

namespace coord::jepsen {
namespace {

using testing::HistoryBuilder;
using testing::kMs;

// Times in ms. TTL 1000 ms, bound 500 ms in these tests.
struct SessionHistory {
  HistoryBuilder b;
  void Open(int64_t p, int64_t id, int64_t t0, int64_t t1) {
    b.Add(p, "open", std::nullopt, Json{{"ttl_ms", 1000}}, t0 * kMs, OpType::kOk,
          Json{{"session", id}, {"ttl_ms", 1000}}, t1 * kMs);
  }
  void Op(int64_t p, const std::string& f, int64_t id, int64_t t0, int64_t t1,
          OpType type = OpType::kOk, std::optional<std::string> key = std::nullopt) {
    b.Add(p, f, key, id, t0 * kMs, type, id, t1 * kMs);
  }
  void Create(int64_t p, int64_t id, const std::string& path, int64_t t0, int64_t t1) {
    Op(p, "create", id, t0, t1, OpType::kOk, path);
  }
  void Exists(int64_t p, const std::string& path, bool present, int64_t t0, int64_t t1) {
    b.Add(p, "exists", path, nullptr, t0 * kMs, OpType::kOk, present, t1 * kMs);
  }
  void List(int64_t p, const std::string& dir, std::vector<std::string> children, int64_t t0, int64_t t1) {
    b.Add(p, "list", dir, nullptr, t0 * kMs, OpType::kOk, Json(children), t1 * kMs);
  }
  Result<CheckResult> Check(std::vector<FaultWindow> faults = {}) {
    h = b.Build();
    SessionCheckOptions o;
    o.expiry_bound = std::chrono::milliseconds(500);
    return CheckSessionHistory(h, faults, o);
  }
  PairedHistory h;
};

TEST(SessionCheckerTest, KeptAliveAndAbandonedSessionsBehaving) {
  SessionHistory s;
  s.Open(1, 100, 0, 10);
  s.Create(1, 100, "/e/a", 20, 30);
  for (int t = 300; t <= 3000; t += 300) s.Op(1, "keepalive", 100, t, t + 5);
  s.Open(2, 200, 0, 10);
  s.Create(2, 200, "/e/b", 20, 30);
  s.Op(2, "keepalive", 200, 300, 305);
  s.Op(2, "abandon", 200, 306, 306);
  s.List(9, "/e", {"/e/a", "/e/b"}, 1000, 1010);  // b may still be there: within TTL
  s.List(9, "/e", {"a"}, 2000, 2010);             // 305 + 1000 + 500 = 1805 < 2000: b gone
  s.Exists(9, "/e/a", true, 3100, 3110);
  Result<CheckResult> r = s.Check();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->verdict, Verdict::kValid) << r->message;
  EXPECT_EQ(r->details["abandoned"], 1);
  EXPECT_EQ(r->details["kept_alive"], 1);
}

TEST(SessionCheckerTest, KeptAliveSessionsEphemeralDisappearing) {
  SessionHistory s;
  s.Open(1, 100, 0, 10);
  s.Create(1, 100, "/e/a", 20, 30);
  s.Op(1, "keepalive", 100, 600, 610);
  s.Op(1, "keepalive", 100, 1200, 1210);
  s.Exists(9, "/e/a", true, 700, 710);
  s.Exists(9, "/e/a", false, 1500, 1510);  // the keepalive at 1200 covers until 2200
  Result<CheckResult> r = s.Check();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->verdict, Verdict::kInvalid);
  const Anomaly& a = r->anomalies.at(0);
  EXPECT_EQ(a.kind, "ephemeral-lost");
  EXPECT_EQ(a.key, "/e/a");
  // The create, the keepalive that guaranteed the session, the observation.
  ASSERT_EQ(a.ops.size(), 3u);
  EXPECT_EQ(s.h.operations[a.ops[0]].f, "create");
  EXPECT_EQ(s.h.operations[a.ops[1]].invoke_time, 1200 * kMs);
  EXPECT_EQ(s.h.operations[a.ops[2]].f, "exists");
}

TEST(SessionCheckerTest, EphemeralMayGoOnceKeepalivesStopSucceeding) {
  SessionHistory s;
  s.Open(1, 100, 0, 10);
  s.Create(1, 100, "/e/a", 20, 30);
  s.Op(1, "keepalive", 100, 600, 610);
  s.Op(1, "keepalive", 100, 1200, 1300, OpType::kInfo);  // partitioned away
  s.Exists(9, "/e/a", false, 1700, 1710);                 // 600 + 1000 < 1700: may have expired
  Result<CheckResult> r = s.Check();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, Verdict::kValid) << r->message;
}

TEST(SessionCheckerTest, AbandonedSessionsEphemeralLingering) {
  SessionHistory s;
  s.Open(1, 100, 0, 10);
  s.Create(1, 100, "/e/a", 20, 30);
  s.Op(1, "keepalive", 100, 300, 310);
  s.Op(1, "abandon", 100, 311, 311);
  s.List(9, "/e", {"/e/a"}, 1900, 1910);  // deadline 310 + 1000 + 500 = 1810
  Result<CheckResult> r = s.Check();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->verdict, Verdict::kInvalid);
  const Anomaly& a = r->anomalies.at(0);
  EXPECT_EQ(a.kind, "ephemeral-lingered");
  EXPECT_EQ(a.key, "/e/a");
  bool has_abandon = false;
  for (size_t i : a.ops) has_abandon |= s.h.operations[i].f == "abandon";
  EXPECT_TRUE(has_abandon);
}

TEST(SessionCheckerTest, FaultWindowExtendsTheExpiryDeadline) {
  SessionHistory s;
  s.Open(1, 100, 0, 10);
  s.Create(1, 100, "/e/a", 20, 30);
  s.Op(1, "keepalive", 100, 300, 310);
  s.Op(1, "abandon", 100, 311, 311);
  s.List(9, "/e", {"/e/a"}, 1900, 1910);
  s.List(9, "/e", {}, 4000, 4010);
  // A partition from 1000 to 2000: a new leader may restart the lease at 2000.
  std::vector<FaultWindow> faults = {{"partition", nullptr, 1000 * kMs, 2000 * kMs}};
  Result<CheckResult> r = s.Check(faults);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, Verdict::kValid) << r->message;
}

TEST(SessionCheckerTest, ClosedSessionsEphemeralLingering) {
  SessionHistory s;
  s.Open(1, 100, 0, 10);
  s.Create(1, 100, "/e/a", 20, 30);
  s.Op(1, "close", 100, 40, 50);
  s.Exists(9, "/e/a", true, 60, 70);
  Result<CheckResult> r = s.Check();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->verdict, Verdict::kInvalid);
  EXPECT_EQ(r->anomalies.at(0).kind, "ephemeral-lingered");
}

TEST(SessionCheckerTest, AbandonedButNeverObservedAfterItsDeadlineIsUnknown) {
  SessionHistory s;
  s.Open(1, 100, 0, 10);
  s.Create(1, 100, "/e/a", 20, 30);
  s.Op(1, "abandon", 100, 40, 40);
  s.Exists(9, "/e/a", true, 500, 510);  // too early to tell
  Result<CheckResult> r = s.Check();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, Verdict::kUnknown) << r->message;
  EXPECT_EQ(r->details["unchecked"], 1);
}

TEST(SessionCheckerTest, SessionIdsMayBeDecimalStringsAsTheApiGivesThem) {
  SessionHistory s;
  s.b.Add(1, "open", std::nullopt, Json{{"ttl_ms", 1000}}, 0, OpType::kOk,
          Json{{"session", "18446744073709551000"}, {"ttl_ms", 1000}}, 10 * kMs);
  s.b.Add(1, "create", "/e/a", "18446744073709551000", 20 * kMs, OpType::kOk,
          "18446744073709551000", 30 * kMs);
  s.Exists(9, "/e/a", false, 40, 50);  // within the TTL of the open: must be there
  Result<CheckResult> r = s.Check();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->verdict, Verdict::kInvalid);
  EXPECT_NE(r->anomalies.at(0).message.find("session 18446744073709551000"), std::string::npos);
}

TEST(SessionCheckerTest, UnknownSessionIdIsAnError) {
  SessionHistory s;
  s.Op(1, "keepalive", 5, 0, 1);
  EXPECT_FALSE(s.Check().ok());
}

}  // namespace
}  // namespace coord::jepsen
