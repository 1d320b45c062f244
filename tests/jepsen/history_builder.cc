#include "tests/jepsen/history_builder.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace coord::jepsen::testing {

HistoryBuilder& HistoryBuilder::Add(int64_t process, const std::string& f,
                                    std::optional<std::string> key, Json in, int64_t t0,
                                    OpType type, Json out, int64_t t1,
                                    std::optional<std::string> error, Json extra) {
  Op inv;
  inv.process = process;
  inv.type = OpType::kInvoke;
  inv.f = f;
  inv.key = key;
  inv.value = std::move(in);
  inv.time = t0;
  records_.push_back(inv);
  if (type == OpType::kInvoke) return *this;
  Op done = inv;
  done.type = type;
  done.value = std::move(out);
  done.time = t1;
  done.error = std::move(error);
  done.extra = std::move(extra);
  records_.push_back(std::move(done));
  return *this;
}

HistoryBuilder& HistoryBuilder::Record(Op op) {
  records_.push_back(std::move(op));
  return *this;
}

HistoryBuilder& HistoryBuilder::Write(int64_t p, const std::string& key, int64_t v, int64_t t0,
                                      int64_t t1, OpType type) {
  return Add(p, "write", key, v, t0 * kMs, type, v, t1 * kMs);
}

HistoryBuilder& HistoryBuilder::Read(int64_t p, const std::string& key, std::optional<int64_t> v,
                                     int64_t t0, int64_t t1) {
  return Add(p, "read", key, nullptr, t0 * kMs, OpType::kOk, v ? Json(*v) : Json(), t1 * kMs);
}

HistoryBuilder& HistoryBuilder::Cas(int64_t p, const std::string& key, int64_t expected, int64_t v,
                                    int64_t t0, int64_t t1, OpType type,
                                    std::optional<std::string> error) {
  Json in = Json::array({expected, v});
  return Add(p, "cas", key, in, t0 * kMs, type, in, t1 * kMs, error);
}

History HistoryBuilder::history() const {
  History h = records_;
  std::stable_sort(h.begin(), h.end(), [](const Op& a, const Op& b) { return a.time < b.time; });
  for (size_t i = 0; i < h.size(); ++i) h[i].line = i + 1;
  return h;
}

PairedHistory HistoryBuilder::Build() const {
  Result<PairedHistory> paired = PairHistory(history());
  EXPECT_TRUE(paired.ok()) << paired.status().ToString();
  if (!paired.ok()) return {};
  return std::move(paired.value());
}

}  // namespace coord::jepsen::testing
