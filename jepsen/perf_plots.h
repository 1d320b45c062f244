// The report's performance plots for one workload: per `f`, latency of each operation against
// the time it was invoked, and throughput of completions over time, with ok / fail / info in
// their own colours and the fault windows shaded. Returns HTML (inline SVG). Pure.
//
// Large histories are thinned for the scatter: at most kMaxPoints ok operations per chart (an
// even stride through them); every fail and info is kept up to the same cap, because they are
// the rare points a reader looks for. Throughput is counted over every operation.
#pragma once

#include <string>
#include <vector>

#include "jepsen/nemesis_log.h"
#include "jepsen/operation.h"

namespace coord::jepsen {

inline constexpr size_t kMaxPoints = 6000;

std::string RenderPerfPlots(const PairedHistory& history, const std::vector<FaultWindow>& faults);

}  // namespace coord::jepsen
