// The register linearizability checker on hand-built histories: what must pass, what must be
// caught (and pinned on the right key and operations), and budget exhaustion.
#include <algorithm>

#include <gtest/gtest.h>

#include "jepsen/linearizability.h"
#include "jepsen/register_checker.h"
#include "tests/jepsen/history_builder.h"

namespace coord::jepsen {
namespace {

using testing::HistoryBuilder;

CheckResult Check(const HistoryBuilder& b, RegisterCheckOptions options = {}) {
  PairedHistory h = b.Build();
  Result<CheckResult> r = CheckRegisterHistory(h, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r.value() : CheckResult{};
}

bool Involves(const Anomaly& a, size_t op) {
  return std::find(a.ops.begin(), a.ops.end(), op) != a.ops.end();
}

// Index of the operation invoked at `t_ms` (builders make each invoke time unique).
size_t OpAt(const PairedHistory& h, int64_t t_ms) {
  for (const Operation& op : h.operations) {
    if (op.invoke_time == t_ms * testing::kMs) return op.index;
  }
  ADD_FAILURE() << "no op at " << t_ms;
  return 0;
}

// ---- valid histories ----

TEST(RegisterCheckerTest, SequentialHistoryIsValid) {
  HistoryBuilder b;
  b.Read(1, "k", std::nullopt, 0, 1).Write(1, "k", 1, 2, 3).Read(2, "k", 1, 4, 5);
  b.Cas(3, "k", 1, 2, 6, 7).Read(1, "k", 2, 8, 9);
  CheckResult r = Check(b);
  EXPECT_EQ(r.verdict, Verdict::kValid) << r.message;
  EXPECT_TRUE(r.anomalies.empty());
}

TEST(RegisterCheckerTest, ConcurrentReadsMaySeeEitherSide) {
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 1);
  b.Write(1, "k", 2, 10, 30);  // concurrent with all the reads below
  b.Read(2, "k", 1, 11, 12).Read(3, "k", 2, 13, 14).Read(4, "k", 2, 15, 40);
  EXPECT_EQ(Check(b).verdict, Verdict::kValid);
}

TEST(RegisterCheckerTest, InfoWriteThatMustHaveHappened) {
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 5, OpType::kInfo);  // timed out, yet a later read sees it
  b.Read(2, "k", 1, 10, 12);
  EXPECT_EQ(Check(b).verdict, Verdict::kValid);
}

TEST(RegisterCheckerTest, InfoWriteThatMustNotHaveHappened) {
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 1);
  b.Write(2, "k", 2, 2, 3, OpType::kInfo);
  b.Read(3, "k", 1, 4, 5).Read(3, "k", 1, 100, 101);
  EXPECT_EQ(Check(b).verdict, Verdict::kValid);
}

TEST(RegisterCheckerTest, InfoWriteMayTakeEffectLongAfterItsInfo) {
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 1);
  b.Write(2, "k", 2, 2, 3, OpType::kInfo);
  b.Read(3, "k", 1, 4, 5);  // not yet...
  b.Read(3, "k", 2, 6, 7);  // ...now it landed
  EXPECT_EQ(Check(b).verdict, Verdict::kValid);
}

TEST(RegisterCheckerTest, OpenOperationAtTheEndIsTreatedAsInfo) {
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 1);
  b.Write(2, "k", 2, 2, 0, OpType::kInvoke);  // never completes
  b.Read(3, "k", 2, 4, 5);
  EXPECT_EQ(Check(b).verdict, Verdict::kValid);
}

TEST(RegisterCheckerTest, InfoCasMayOrMayNotApply) {
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 1);
  b.Cas(2, "k", 1, 2, 2, 3, OpType::kInfo);
  b.Cas(4, "k", 1, 3, 4, 5, OpType::kInfo);
  b.Read(3, "k", 1, 6, 7).Read(3, "k", 3, 8, 9);  // the first never applied; the second late
  EXPECT_EQ(Check(b).verdict, Verdict::kValid);
}

TEST(RegisterCheckerTest, CasMismatchFailuresAreObservations) {
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 1);
  b.Cas(2, "k", 5, 6, 2, 3, OpType::kFail, "mismatch");  // 1 != 5: fine
  b.Cas(2, "k", 9, 6, 4, 5, OpType::kFail, "no-leader");  // did not happen: ignored
  b.Cas(2, "k", 1, 7, 6, 7);
  b.Read(3, "k", 7, 8, 9);
  EXPECT_EQ(Check(b).verdict, Verdict::kValid);
}

TEST(RegisterCheckerTest, MismatchExplainedOnlyByAnUnreadInfoWrite) {
  // The value 9 is never read; only its (info) write makes the mismatch possible.
  HistoryBuilder b;
  b.Write(1, "k", 5, 0, 1);
  b.Write(2, "k", 9, 2, 3, OpType::kInfo);
  b.Cas(3, "k", 5, 6, 4, 5, OpType::kFail, "mismatch");
  b.Write(4, "k", 7, 6, 7);
  b.Read(4, "k", 7, 8, 9);
  EXPECT_EQ(Check(b).verdict, Verdict::kValid);
}

TEST(RegisterCheckerTest, FailedWritesAreDropped) {
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 1).Write(2, "k", 2, 2, 3, OpType::kFail).Read(3, "k", 1, 4, 5);
  EXPECT_EQ(Check(b).verdict, Verdict::kValid);
}

TEST(RegisterCheckerTest, KeysAreIndependent) {
  HistoryBuilder b;
  b.Write(1, "a", 1, 0, 10).Write(2, "b", 2, 1, 2).Read(3, "a", 1, 11, 12).Read(4, "b", 2, 3, 4);
  b.Read(5, "c", std::nullopt, 5, 6);
  CheckResult r = Check(b);
  EXPECT_EQ(r.verdict, Verdict::kValid);
  EXPECT_EQ(r.details["keys"].size(), 3u);
}

TEST(RegisterCheckerTest, ManyIdenticalPendingInfoWritesStayCheap) {
  // 40 timed-out writes of unread values are symmetric: the search must not try 40! orders.
  HistoryBuilder b;
  b.Write(0, "k", 1, 0, 1);
  for (int i = 0; i < 40; ++i) b.Write(100 + i, "k", 1000 + i, 2 + i, 3 + i, OpType::kInfo);
  for (int i = 0; i < 40; ++i) b.Read(1, "k", 1, 100 + 2 * i, 101 + 2 * i);
  RegisterCheckOptions o;
  o.max_steps_per_key = 200'000;
  CheckResult r = Check(b, o);
  EXPECT_EQ(r.verdict, Verdict::kValid) << r.message;
}

// ---- violations ----

TEST(RegisterCheckerTest, StaleRead) {
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 1);
  b.Write(2, "k", 2, 2, 3);
  b.Read(3, "k", 1, 4, 5);  // 2 was acknowledged before this read began
  PairedHistory h = b.Build();
  Result<CheckResult> r = CheckRegisterHistory(h);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->verdict, Verdict::kInvalid);
  ASSERT_EQ(r->anomalies.size(), 1u);
  const Anomaly& a = r->anomalies[0];
  EXPECT_EQ(a.kind, "nonlinearizable");
  EXPECT_EQ(a.key, "k");
  EXPECT_EQ(a.culprits, std::vector<size_t>{OpAt(h, 4)});
  EXPECT_TRUE(Involves(a, OpAt(h, 2))) << "the write that made the read stale";
  EXPECT_TRUE(Involves(a, OpAt(h, 4)));
  EXPECT_EQ(r->details["keys"]["k"]["prefix_ops"], 3);
}

TEST(RegisterCheckerTest, LostWrite) {
  // An acknowledged write never becomes visible: later reads still see the old value.
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 1);
  b.Read(2, "k", 1, 2, 3);
  b.Write(1, "k", 2, 4, 5);
  b.Read(2, "k", 1, 6, 7);
  b.Read(3, "k", 1, 8, 9);
  PairedHistory h = b.Build();
  Result<CheckResult> r = CheckRegisterHistory(h);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->verdict, Verdict::kInvalid);
  const Anomaly& a = r->anomalies.at(0);
  EXPECT_EQ(a.culprits, std::vector<size_t>{OpAt(h, 6)});
  EXPECT_TRUE(Involves(a, OpAt(h, 4))) << "the lost write";
}

TEST(RegisterCheckerTest, LostWriteOfTheFirstValue) {
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 1).Read(2, "k", std::nullopt, 2, 3);
  PairedHistory h = b.Build();
  Result<CheckResult> r = CheckRegisterHistory(h);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->verdict, Verdict::kInvalid);
  EXPECT_TRUE(Involves(r->anomalies.at(0), OpAt(h, 0)));
  EXPECT_EQ(r->anomalies.at(0).culprits, std::vector<size_t>{OpAt(h, 2)});
}

TEST(RegisterCheckerTest, CasOnTheWrongValueSucceeding) {
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 1);
  b.Write(1, "k", 2, 2, 3);
  b.Cas(2, "k", 1, 3, 4, 5);  // current is 2, yet a cas expecting 1 succeeded
  PairedHistory h = b.Build();
  Result<CheckResult> r = CheckRegisterHistory(h);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->verdict, Verdict::kInvalid);
  const Anomaly& a = r->anomalies.at(0);
  EXPECT_EQ(a.culprits, std::vector<size_t>{OpAt(h, 4)});
  EXPECT_TRUE(Involves(a, OpAt(h, 2)));
}

TEST(RegisterCheckerTest, CasMismatchWhenTheValueMatched) {
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 1);
  b.Cas(2, "k", 1, 2, 2, 3, OpType::kFail, "mismatch");  // the value was 1: not a mismatch
  b.Read(3, "k", 1, 4, 5);
  PairedHistory h = b.Build();
  Result<CheckResult> r = CheckRegisterHistory(h);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->verdict, Verdict::kInvalid);
  EXPECT_EQ(r->anomalies.at(0).culprits, std::vector<size_t>{OpAt(h, 2)});
}

TEST(RegisterCheckerTest, ReadOfAValueNeverWritten) {
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 1).Read(2, "k", 42, 2, 3).Write(1, "k", 42, 10, 11);
  PairedHistory h = b.Build();
  Result<CheckResult> r = CheckRegisterHistory(h);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->verdict, Verdict::kInvalid);
  const Anomaly& a = r->anomalies.at(0);
  EXPECT_EQ(a.culprits, std::vector<size_t>{OpAt(h, 2)});
  EXPECT_NE(a.message.find("no write or cas had been invoked"), std::string::npos) << a.message;
}

TEST(RegisterCheckerTest, InfoWriteCannotBeAppliedTwice) {
  HistoryBuilder b;
  b.Write(1, "k", 1, 0, 1);
  b.Write(2, "k", 2, 2, 3, OpType::kInfo);
  b.Read(3, "k", 2, 4, 5);
  b.Read(3, "k", 1, 6, 7);  // 1 is back: only a second application of w1 could do that
  EXPECT_EQ(Check(b).verdict, Verdict::kInvalid);
}

TEST(RegisterCheckerTest, ViolationIsPinnedOnItsKey) {
  HistoryBuilder b;
  b.Write(1, "good", 1, 0, 1).Read(2, "good", 1, 2, 3);
  b.Write(3, "bad", 1, 0, 1).Write(3, "bad", 2, 2, 3).Read(4, "bad", 1, 4, 5);
  b.Write(5, "also-good", 7, 0, 10).Read(6, "also-good", 7, 5, 6);
  CheckResult r = Check(b);
  ASSERT_EQ(r.verdict, Verdict::kInvalid);
  ASSERT_EQ(r.anomalies.size(), 1u);
  EXPECT_EQ(r.anomalies[0].key, "bad");
  EXPECT_EQ(r.details["keys"]["good"]["verdict"], "valid");
  EXPECT_EQ(r.details["keys"]["also-good"]["verdict"], "valid");
}

TEST(RegisterCheckerTest, MalformedRegisterOpsAreErrors) {
  HistoryBuilder b;
  b.Add(1, "write", "k", "seven", 0, OpType::kOk, "seven", 1);
  Result<CheckResult> r = CheckRegisterHistory(b.Build());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 2"), std::string::npos) << r.status().message();
  HistoryBuilder c;
  c.Add(1, "increment", "k", 1, 0, OpType::kOk, 1, 1);
  EXPECT_FALSE(CheckRegisterHistory(c.Build()).ok());
}

// ---- budget ----

// Every write and read overlaps every other, and the history is invalid only because of the
// two final reads: the search has to try (nearly) every order of the concurrent block.
HistoryBuilder Pathological(int n) {
  HistoryBuilder b;
  for (int i = 1; i <= n; ++i) b.Write(i, "k", i, i, 1000 + i);
  for (int i = 1; i <= n; ++i) b.Read(100 + i, "k", i, 2 * n + i, 1000 + 2 * n + i);
  b.Read(1, "k", 1, 2000, 2001);
  b.Read(1, "k", 2, 2002, 2003);
  return b;
}

TEST(RegisterCheckerTest, StepBudgetExhaustionIsUnknown) {
  RegisterCheckOptions o;
  o.max_steps_per_key = 20'000;
  CheckResult r = Check(Pathological(18), o);
  EXPECT_EQ(r.verdict, Verdict::kUnknown) << r.message;
  EXPECT_TRUE(r.anomalies.empty());
  EXPECT_NE(r.details["keys"]["k"]["reason"].get<std::string>().find("step budget"),
            std::string::npos);
}

TEST(RegisterCheckerTest, TimeBudgetExhaustionIsUnknown) {
  RegisterCheckOptions o;
  o.per_key_budget = std::chrono::milliseconds(20);
  CheckResult r = Check(Pathological(24), o);
  EXPECT_EQ(r.verdict, Verdict::kUnknown) << r.message;
  EXPECT_NE(r.details["keys"]["k"]["reason"].get<std::string>().find("time budget"),
            std::string::npos);
}

TEST(RegisterCheckerTest, ExhaustedOverallBudgetLeavesLaterKeysUnknown) {
  HistoryBuilder b;
  b.Write(1, "a", 1, 0, 1).Read(2, "a", 1, 2, 3).Write(3, "b", 1, 0, 1);
  RegisterCheckOptions o;
  o.total_budget = std::chrono::milliseconds(0);
  CheckResult r = Check(b, o);
  EXPECT_EQ(r.verdict, Verdict::kUnknown);
  EXPECT_EQ(r.details["keys"]["b"]["verdict"], "unknown");
}

TEST(RegisterCheckerTest, SmallPathologicalInstanceIsDecided) {
  // The same shape, small enough to exhaust: proves the unknowns above are about the budget.
  CheckResult r = Check(Pathological(6));
  EXPECT_EQ(r.verdict, Verdict::kInvalid) << r.message;
}

}  // namespace
}  // namespace coord::jepsen
