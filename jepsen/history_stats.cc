#include "jepsen/history_stats.h"

#include <algorithm>
#include <vector>

namespace coord::jepsen {

namespace {

LatencySummary Summarize(std::vector<int64_t> v) {
  LatencySummary s;
  s.count = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto rank = [&](double q) {
    size_t i = static_cast<size_t>(q * static_cast<double>(v.size()) + 0.999999);
    return v[std::clamp<size_t>(i, 1, v.size()) - 1];
  };
  s.p50 = rank(0.50);
  s.p90 = rank(0.90);
  s.p99 = rank(0.99);
  s.p999 = rank(0.999);
  s.max = v.back();
  return s;
}

}  // namespace

HistoryStats ComputeHistoryStats(const PairedHistory& history) {
  HistoryStats stats;
  stats.operations = history.operations.size();
  stats.duration = history.end_time - history.start_time;
  std::map<std::string, std::pair<std::vector<int64_t>, std::vector<int64_t>>> lat;
  for (const Operation& op : history.operations) {
    FStats& f = stats.by_f[op.f];
    switch (op.type) {
      case OpType::kOk: ++f.ok; break;
      case OpType::kFail: ++f.fail; break;
      default: ++f.info; break;
    }
    if (op.notification || !op.complete_time) continue;
    auto& [ok, all] = lat[op.f];
    all.push_back(*op.latency());
    if (op.type == OpType::kOk) ok.push_back(*op.latency());
  }
  for (auto& [f, l] : lat) {
    stats.by_f[f].ok_latency = Summarize(std::move(l.first));
    stats.by_f[f].all_latency = Summarize(std::move(l.second));
  }
  return stats;
}

}  // namespace coord::jepsen
