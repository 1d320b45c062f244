// Reading one value out of Prometheus text (GET /metrics) in tests.
#pragma once

#include <optional>
#include <sstream>
#include <string>

namespace coord::api::testing {

// The value of the first sample line starting with `series` (name plus labels, exactly as
// rendered, e.g. `coord_raft_term` or `coord_http_requests_total{method="GET",...}`).
inline std::optional<double> MetricValue(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

}  // namespace coord::api::testing
