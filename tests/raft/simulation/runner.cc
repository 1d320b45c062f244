#include "tests/raft/simulation/runner.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "tests/raft/simulation/crash_reporter.h"

namespace coord::raft::sim {

uint64_t EnvU64(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::strtoull(v, nullptr, 10);
}

std::string EnvString(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v == nullptr || *v == '\0' ? fallback : std::string(v);
}

SeedRange ShardRange(uint64_t default_total, int shard, int shards) {
  const uint64_t total = EnvU64("COORD_SIM_SEEDS", default_total);
  const uint64_t first = EnvU64("COORD_SIM_FIRST_SEED", 1);
  const uint64_t per = total / shards;
  const uint64_t extra = total % shards;  // the first `extra` shards take one more
  const uint64_t s = static_cast<uint64_t>(shard);
  SeedRange r;
  r.first = first + s * per + std::min<uint64_t>(s, extra);
  r.count = per + (s < extra ? 1 : 0);
  return r;
}

BatchResult RunSeeds(const std::string& label, SeedRange range, const Variant& variant,
                     const BatchOptions& options) {
  BatchResult out;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (uint64_t i = 0; i < range.count; ++i) {
    const uint64_t seed = range.first + i;
    RunResult r = RunSimulation(MakeRunSpec(seed, variant));
    ++out.runs;
    out.stats.Add(r.stats);
    bool stop = false;
    if (r.violation) {
      ++out.failed;
      ++out.by_invariant[r.violation->invariant];
      if (options.stop_on && options.stop_on(*r.violation)) {
        stop = true;
        out.stopped_by = r;
      }
      if (out.failures.size() < options.keep_failures) out.failures.push_back(std::move(r));
    }
    if (options.progress_every > 0 &&
        ((i + 1) % options.progress_every == 0 || i + 1 == range.count)) {
      std::printf("[sim %s] seeds %llu..%llu: %llu/%llu run, %llu failed, %.1f s\n",
                  label.c_str(), static_cast<unsigned long long>(range.first),
                  static_cast<unsigned long long>(range.first + range.count - 1),
                  static_cast<unsigned long long>(i + 1),
                  static_cast<unsigned long long>(range.count),
                  static_cast<unsigned long long>(out.failed), elapsed());
      std::fflush(stdout);
    }
    if (stop) break;
  }
  out.seconds = elapsed();
  return out;
}

bool IsSafetyViolation(const Violation& v) {
  return v.invariant != "liveness" && v.invariant != "convergence";
}

std::string FailureReport(const RunResult& r) {
  std::string out;
  out += "==== simulation FAILED: seed " + std::to_string(r.spec.seed) + " ====\n";
  out += DescribeSpec(r.spec) + "\n";
  if (r.violation) {
    out += "invariant: " + r.violation->invariant + " (at step " +
           std::to_string(r.violation->step) + ")\n";
    out += "detail: " + r.violation->detail + "\n";
  }
  out += "last events (of " + std::to_string(r.trace_events) + "):\n" + r.trace_tail;
  out += "replay alone: " + ReplayCommand(r.spec.seed, r.spec.variant.name) + "\n";
  out += "  (add COORD_SIM_TRACE=1 for the full trace on stderr)\n";
  return out;
}

}  // namespace coord::raft::sim
