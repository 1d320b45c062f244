// The set checker: lost and phantom adds are caught; indeterminate adds may go either way.
#include <gtest/gtest.h>

#include "jepsen/set_checker.h"
#include "tests/jepsen/history_builder.h"

namespace coord::jepsen {
namespace {

using testing::HistoryBuilder;
using testing::kMs;

void Add(HistoryBuilder& b, int64_t p, int64_t v, int64_t t0, int64_t t1, OpType type = OpType::kOk) {
  b.Add(p, "add", std::nullopt, v, t0 * kMs, type, v, t1 * kMs);
}
void ReadSet(HistoryBuilder& b, int64_t p, std::vector<int64_t> v, int64_t t0, int64_t t1) {
  b.Add(p, "read", std::nullopt, nullptr, t0 * kMs, OpType::kOk, Json(v), t1 * kMs);
}

void AddTo(HistoryBuilder& b, const std::string& set, int64_t p, int64_t v, int64_t t0, int64_t t1) {
  b.Add(p, "add", set, v, t0 * kMs, OpType::kOk, v, t1 * kMs);
}
void ReadOf(HistoryBuilder& b, const std::string& set, int64_t p, std::vector<int64_t> v, int64_t t0, int64_t t1) {
  b.Add(p, "read", set, nullptr, t0 * kMs, OpType::kOk, Json(v), t1 * kMs);
}

CheckResult Check(const HistoryBuilder& b) {
  Result<CheckResult> r = CheckSetHistory(b.Build());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r.value() : CheckResult{};
}

TEST(SetCheckerTest, AcknowledgedAddsPresentAndIndeterminateEitherWay) {
  HistoryBuilder b;
  Add(b, 1, 1, 0, 1);
  Add(b, 2, 2, 0, 2, OpType::kInfo);  // recovered
  Add(b, 3, 3, 0, 2, OpType::kInfo);  // never happened
  Add(b, 4, 4, 0, 2, OpType::kFail);
  Add(b, 5, 5, 10, 30);               // concurrent with the first read
  ReadSet(b, 6, {1, 2}, 20, 21);
  ReadSet(b, 6, {1, 2, 5}, 40, 41);
  CheckResult r = Check(b);
  EXPECT_EQ(r.verdict, Verdict::kValid) << r.message;
  EXPECT_EQ(r.details["acknowledged"], 2);
  EXPECT_EQ(r.details["recovered"], 1);
  EXPECT_EQ(r.details["final_read_size"], 3);
}

TEST(SetCheckerTest, LostAdd) {
  HistoryBuilder b;
  Add(b, 1, 1, 0, 1);
  Add(b, 2, 2, 0, 1);
  ReadSet(b, 3, {1}, 5, 6);  // 2 was acknowledged before this read
  PairedHistory h = b.Build();
  Result<CheckResult> r = CheckSetHistory(h);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->verdict, Verdict::kInvalid);
  ASSERT_EQ(r->anomalies.size(), 1u);
  EXPECT_EQ(r->anomalies[0].kind, "lost-add");
  EXPECT_EQ(r->anomalies[0].key, "2");
  EXPECT_EQ(r->details["lost"], 1);
  // The add of 2 and the read missing it.
  ASSERT_EQ(r->anomalies[0].ops.size(), 2u);
  EXPECT_EQ(h.operations[r->anomalies[0].ops[0]].input, 2);
  EXPECT_EQ(h.operations[r->anomalies[0].ops[1]].f, "read");
}

TEST(SetCheckerTest, ElementSeenThenGoneIsLost) {
  HistoryBuilder b;
  Add(b, 1, 1, 0, 100, OpType::kInfo);
  ReadSet(b, 2, {1}, 5, 6);
  ReadSet(b, 2, {}, 10, 11);
  CheckResult r = Check(b);
  ASSERT_EQ(r.verdict, Verdict::kInvalid);
  EXPECT_EQ(r.anomalies.at(0).kind, "lost-add");
}

TEST(SetCheckerTest, PhantomAdds) {
  HistoryBuilder b;
  Add(b, 1, 1, 0, 1);
  Add(b, 2, 2, 0, 1, OpType::kFail);
  Add(b, 3, 4, 50, 51);
  ReadSet(b, 3, {1, 2, 3, 4}, 5, 6);  // 2 failed, 3 never added, 4 added only later
  CheckResult r = Check(b);
  ASSERT_EQ(r.verdict, Verdict::kInvalid);
  EXPECT_EQ(r.details["phantom"], 3);
  std::set<std::string> keys;
  for (const Anomaly& a : r.anomalies) {
    EXPECT_EQ(a.kind, "phantom-add");
    keys.insert(a.key);
  }
  EXPECT_EQ(keys, (std::set<std::string>{"2", "3", "4"}));
}

TEST(SetCheckerTest, NoFinalReadIsUnknown) {
  HistoryBuilder b;
  Add(b, 1, 1, 0, 1);
  ReadSet(b, 2, {1}, 2, 3);
  Add(b, 1, 2, 4, 5);  // acknowledged after the last read began
  EXPECT_EQ(Check(b).verdict, Verdict::kUnknown);
  HistoryBuilder none;
  Add(none, 1, 1, 0, 1);
  EXPECT_EQ(Check(none).verdict, Verdict::kUnknown);
}

TEST(SetCheckerTest, MalformedReadIsAnError) {
  HistoryBuilder b;
  b.Add(1, "read", std::nullopt, nullptr, 0, OpType::kOk, 5, 1);
  EXPECT_FALSE(CheckSetHistory(b.Build()).ok());
}

TEST(SetCheckerTest, SetsOfDifferentKeysAreCheckedApart) {
  HistoryBuilder b;
  AddTo(b, "/s0", 1, 1, 0, 1);
  AddTo(b, "/s1", 2, 2, 0, 1);
  ReadOf(b, "/s0", 3, {1}, 5, 6);  // 2 belongs to another set: not lost here
  ReadOf(b, "/s1", 3, {2}, 7, 8);
  CheckResult r = Check(b);
  EXPECT_EQ(r.verdict, Verdict::kValid) << r.message;
  EXPECT_EQ(r.details["sets"], 2);
  EXPECT_EQ(r.details["acknowledged"], 2);
}

TEST(SetCheckerTest, LossInOneOfSeveralSetsNamesTheSet) {
  HistoryBuilder b;
  AddTo(b, "/s0", 1, 1, 0, 1);
  AddTo(b, "/s1", 2, 2, 0, 1);
  AddTo(b, "/s1", 2, 3, 2, 3);
  ReadOf(b, "/s0", 3, {1}, 5, 6);
  ReadOf(b, "/s1", 3, {2}, 7, 8);  // 3 acknowledged before this read: lost
  CheckResult r = Check(b);
  ASSERT_EQ(r.verdict, Verdict::kInvalid);
  ASSERT_EQ(r.anomalies.size(), 1u);
  EXPECT_EQ(r.anomalies[0].kind, "lost-add");
  EXPECT_EQ(r.anomalies[0].key, "/s1 3");
  EXPECT_NE(r.anomalies[0].message.find("of set /s1"), std::string::npos) << r.anomalies[0].message;
}

TEST(SetCheckerTest, SetWithAddsButNoReadIsUnknown) {
  HistoryBuilder b;
  AddTo(b, "/s0", 1, 1, 0, 1);
  AddTo(b, "/s1", 2, 2, 0, 1);
  ReadOf(b, "/s0", 3, {1}, 5, 6);
  CheckResult r = Check(b);
  EXPECT_EQ(r.verdict, Verdict::kUnknown) << r.message;
}

}  // namespace
}  // namespace coord::jepsen
