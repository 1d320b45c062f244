#include "client/loadgen/report.h"

#include <cstdint>
#include <cstdio>

namespace coord::loadgen {

namespace {
double Ms(uint64_t nanos) { return static_cast<double>(nanos) / 1e6; }

// The watch workload's ok are events read by the watchers and its latency their delivery.
bool Watch(const LoadOptions& o) { return o.workload == Workload::kWatch; }
}  // namespace

nlohmann::json ResultJson(const LoadOptions& o, const RunResult& r) {
  nlohmann::json errors = nlohmann::json::object();
  uint64_t error_total = 0;
  for (const auto& [kind, n] : r.errors) {
    errors[kind] = n;
    error_total += n;
  }
  nlohmann::json out = {{"system", SystemName(o.system)},
                        {"workload", WorkloadName(o.workload)},
                        {"concurrency", o.concurrency},
                        {"value_bytes", o.value_bytes},
                        {"keys", o.keys},
                        {"seconds", r.seconds},
                        {"ok", r.ok},
                        {"errors", error_total},
                        {"errors_by_kind", errors},
                        {"throughput", r.throughput()},
                        {"latency_ms",
                         {{"mean", r.latency.mean() / 1e6},
                          {"p50", Ms(r.latency.Percentile(0.50))},
                          {"p90", Ms(r.latency.Percentile(0.90))},
                          {"p99", Ms(r.latency.Percentile(0.99))},
                          {"p999", Ms(r.latency.Percentile(0.999))},
                          {"max", Ms(r.latency.max())}}}};
  if (Watch(o)) out["watchers"] = o.watchers;
  if (!r.figures.empty()) {
    nlohmann::json figures = nlohmann::json::object();
    for (const auto& [name, value] : r.figures) figures[name] = value;
    out["figures"] = figures;
  }
  return out;
}

std::string ResultText(const LoadOptions& o, const RunResult& r) {
  char buf[512];
  const std::string watchers = Watch(o) ? ", watchers " + std::to_string(o.watchers) : "";
  std::snprintf(buf, sizeof buf,
                "%s %s: concurrency %d%s, %.1f s, %zu-byte values\n"
                "  %llu %s, %.0f %s\n"
                "  %slatency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
                SystemName(o.system), WorkloadName(o.workload), o.concurrency, watchers.c_str(), r.seconds,
                o.value_bytes, static_cast<unsigned long long>(r.ok), Watch(o) ? "events delivered" : "ok",
                r.throughput(), Watch(o) ? "events/s" : "req/s", Watch(o) ? "delivery " : "",
                Ms(r.latency.Percentile(0.5)),
                Ms(r.latency.Percentile(0.9)), Ms(r.latency.Percentile(0.99)),
                Ms(r.latency.Percentile(0.999)), Ms(r.latency.max()));
  std::string out = buf;
  for (const auto& [name, value] : r.figures) {
    const bool whole = value == static_cast<double>(static_cast<int64_t>(value));
    std::snprintf(buf, sizeof buf, whole ? "  %s: %.0f\n" : "  %s: %.3f\n", name.c_str(), value);
    out += buf;
  }
  if (r.errors.empty()) {
    out += "  errors: none\n";
  } else {
    for (const auto& [kind, n] : r.errors) out += "  errors " + kind + ": " + std::to_string(n) + "\n";
  }
  return out;
}

}  // namespace coord::loadgen
