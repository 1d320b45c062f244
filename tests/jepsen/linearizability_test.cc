// The search against a brute-force oracle: on thousands of small random histories (valid and
// not, with info ops, mismatches, repeated values) both must give the same verdict. This is
// what guards the search's shortcuts (memoization, symmetric info ops, merged unobserved
// values, pinned unique producers) against unsoundness in either direction.
#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "jepsen/linearizability.h"

namespace coord::jepsen {
namespace {

using Kind = RegisterOp::Kind;

bool Apply(const RegisterOp& op, std::optional<int64_t>& state) {
  switch (op.kind) {
    case Kind::kRead: return state == op.value;
    case Kind::kWrite: state = op.value; return true;
    case Kind::kCas:
      if (state != op.value) return false;
      state = op.new_value;
      return true;
    case Kind::kCasMismatch: return state != op.value;
  }
  return false;
}

// Some order of `ops` respecting real time (x before y when x returned before y was called;
// indeterminate ops never return) that is a legal register history?
bool Search(const std::vector<RegisterOp>& ops, std::vector<bool>& placed, size_t left,
            std::optional<int64_t> state) {
  if (left == 0) return true;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (placed[i]) continue;
    bool ready = true;
    for (size_t j = 0; j < ops.size() && ready; ++j) {
      if (!placed[j] && j != i && !ops[j].indeterminate && ops[j].ret < ops[i].call) ready = false;
    }
    if (!ready) continue;
    std::optional<int64_t> next = state;
    if (!Apply(ops[i], next)) continue;
    placed[i] = true;
    bool ok = Search(ops, placed, left - 1, next);
    placed[i] = false;
    if (ok) return true;
  }
  return false;
}

bool BruteForce(std::vector<RegisterOp> ops) {
  std::erase_if(ops, [](const RegisterOp& o) {
    return o.indeterminate && (o.kind == Kind::kRead || o.kind == Kind::kCasMismatch);
  });
  std::vector<size_t> info;
  for (size_t i = 0; i < ops.size(); ++i) if (ops[i].indeterminate) info.push_back(i);
  // Each indeterminate op happened or not.
  for (uint32_t mask = 0; mask < (1u << info.size()); ++mask) {
    std::vector<RegisterOp> chosen;
    for (size_t i = 0; i < ops.size(); ++i) {
      auto it = std::find(info.begin(), info.end(), i);
      if (it != info.end() && !(mask & (1u << (it - info.begin())))) continue;
      chosen.push_back(ops[i]);
    }
    std::vector<bool> placed(chosen.size(), false);
    if (Search(chosen, placed, chosen.size(), std::nullopt)) return true;
  }
  return false;
}

std::vector<RegisterOp> RandomHistory(std::mt19937_64& rng) {
  auto pick = [&](int n) { return static_cast<int>(std::uniform_int_distribution<int>(0, n - 1)(rng)); };
  std::vector<RegisterOp> ops;
  int n = 2 + pick(6);
  for (int i = 0; i < n; ++i) {
    RegisterOp o;
    o.id = static_cast<size_t>(i);
    o.call = pick(20);
    o.ret = o.call + pick(8);
    auto value = [&]() -> std::optional<int64_t> {
      int v = pick(4);
      return v == 0 ? std::nullopt : std::optional<int64_t>(v);
    };
    switch (pick(4)) {
      case 0: o.kind = Kind::kRead; o.value = value(); break;
      case 1: o.kind = Kind::kWrite; o.value = 1 + pick(3); break;
      case 2: o.kind = Kind::kCas; o.value = value(); o.new_value = 1 + pick(3); break;
      default: o.kind = Kind::kCasMismatch; o.value = 1 + pick(3); break;
    }
    o.indeterminate = (o.kind == Kind::kWrite || o.kind == Kind::kCas) && pick(4) == 0;
    ops.push_back(o);
  }
  return ops;
}

TEST(LinearizabilityTest, AgreesWithBruteForceOnRandomSmallHistories) {
  std::mt19937_64 rng(20240601);
  int valid = 0, invalid = 0;
  for (int i = 0; i < 10000; ++i) {
    std::vector<RegisterOp> ops = RandomHistory(rng);
    bool expected = BruteForce(ops);
    LinearizabilityResult r = CheckRegisterLinearizable(ops, Budget{});
    ASSERT_NE(r.verdict, Verdict::kUnknown);
    std::string dump;
    for (const RegisterOp& o : ops) {
      dump += "  kind=" + std::to_string(static_cast<int>(o.kind)) + " v=" +
              (o.value ? std::to_string(*o.value) : "nil") + " new=" +
              (o.new_value ? std::to_string(*o.new_value) : "nil") + " info=" +
              std::to_string(o.indeterminate) + " [" + std::to_string(o.call) + "," +
              std::to_string(o.ret) + "]\n";
    }
    ASSERT_EQ(r.verdict == Verdict::kValid, expected) << "history " << i << ":\n" << dump;
    (expected ? valid : invalid)++;
    if (!expected) {
      ASSERT_TRUE(r.culprit.has_value());
      ASSERT_FALSE(r.involved.empty());
      EXPECT_NE(std::find(r.involved.begin(), r.involved.end(), *r.culprit), r.involved.end());
    }
  }
  // Both outcomes are well represented, or the comparison proves little.
  EXPECT_GT(valid, 1500);
  EXPECT_GT(invalid, 1500);
}

TEST(LinearizabilityTest, EmptyHistoryIsValid) {
  EXPECT_EQ(CheckRegisterLinearizable({}, Budget{}).verdict, Verdict::kValid);
}

}  // namespace
}  // namespace coord::jepsen
