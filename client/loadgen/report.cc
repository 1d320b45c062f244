#include "client/loadgen/report.h"

#include <cstdio>

namespace coord::loadgen {

namespace {
double Ms(uint64_t nanos) { return static_cast<double>(nanos) / 1e6; }
}  // namespace

nlohmann::json ResultJson(const LoadOptions& o, const RunResult& r) {
  nlohmann::json errors = nlohmann::json::object();
  uint64_t error_total = 0;
  for (const auto& [kind, n] : r.errors) {
    errors[kind] = n;
    error_total += n;
  }
  return {{"system", SystemName(o.system)},
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
}

std::string ResultText(const LoadOptions& o, const RunResult& r) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s %s: concurrency %d, %.1f s, %zu-byte values\n"
                "  %llu ok, %.0f req/s\n"
                "  latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
                SystemName(o.system), WorkloadName(o.workload), o.concurrency, r.seconds, o.value_bytes,
                static_cast<unsigned long long>(r.ok), r.throughput(), Ms(r.latency.Percentile(0.5)),
                Ms(r.latency.Percentile(0.9)), Ms(r.latency.Percentile(0.99)),
                Ms(r.latency.Percentile(0.999)), Ms(r.latency.max()));
  std::string out = buf;
  if (r.errors.empty()) {
    out += "  errors: none\n";
  } else {
    for (const auto& [kind, n] : r.errors) out += "  errors " + kind + ": " + std::to_string(n) + "\n";
  }
  return out;
}

}  // namespace coord::loadgen
