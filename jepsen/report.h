// The HTML report of a run: one self-contained file (inline CSS and SVG, no scripts, no external
// assets) with the verdicts, the counts and latency percentiles, per-`f` latency and throughput
// plots with the fault windows shaded, and for each anomaly a timeline of the operations
// involved plus a table of them with their history line numbers. Pure.
#pragma once

#include <string>

#include "jepsen/results.h"

namespace coord::jepsen {

std::string RenderReport(const RunResults& results);

}  // namespace coord::jepsen
