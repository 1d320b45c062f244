// HistoryStats: the figures every run summary shows — how many operations of each `f` ended
// ok / fail / info, and the latency distribution of each. Pure.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "jepsen/operation.h"

namespace coord::jepsen {

struct LatencySummary {
  size_t count = 0;  // completed operations measured
  int64_t p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;  // ns, nearest rank
};

struct FStats {
  size_t ok = 0, fail = 0, info = 0;  // info includes operations left open
  LatencySummary ok_latency;          // of ok operations only: fail and info latencies are
                                      // mostly timeouts and would hide the real figures
  LatencySummary all_latency;         // of every completed operation
};

struct HistoryStats {
  size_t operations = 0;  // paired operations (notifications included)
  int64_t duration = 0;   // ns from the first record to the last
  std::map<std::string, FStats> by_f;
};

HistoryStats ComputeHistoryStats(const PairedHistory& history);

}  // namespace coord::jepsen
