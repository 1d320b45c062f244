// LoadRunner: `concurrency` keep-alive HTTP/1.1 connections driven asynchronously from a few
// I/O threads, each with one request in flight: send, wait for the whole response, record its
// latency, send the next, until the deadline. Latencies of requests started during the warmup
// are not recorded. Errors are counted by kind (`http_503`, `io: Connection refused`, ...);
// a connection that fails is reopened (request_loop.h). The watch workload has its own driver
// (watch_workload.h).
//
// Thread-safety: one Run or Populate at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "client/loadgen/histogram.h"
#include "client/loadgen/load_options.h"

namespace coord::loadgen {

struct RunResult {
  LatencyHistogram latency;  // successful requests of the measured window
  uint64_t ok = 0;
  std::map<std::string, uint64_t> errors;
  double seconds = 0;  // the measured window
  // Figures a workload adds to the common ones (watch: the writers' writes/s, ...), in the
  // order they are printed. Not merged by Add.
  std::vector<std::pair<std::string, double>> figures;
  double throughput() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
  // Adds another client's counts and latencies (not its seconds).
  void Add(const RunResult& other);
};

// When a run's latencies count: from the end of the warmup to the deadline. A populate counts
// from its start and has no deadline of its own.
struct MeasuredWindow {
  std::chrono::steady_clock::time_point from, deadline;
};
MeasuredWindow WindowOf(const LoadOptions& options, bool populate,
                        std::chrono::steady_clock::time_point start);

class LoadRunner {
 public:
  explicit LoadRunner(LoadOptions options);

  // coord with --leader-only: replaces the targets with the leader's client address.
  // False (with `error` set) if no leader is known.
  bool ResolveLeader(std::string* error);

  // Writes keys 0..n-1 (coord: creating the parent first).
  RunResult Populate(uint64_t n);
  // The timed run of the workload.
  RunResult Run();

  const LoadOptions& options() const { return options_; }

 private:
  LoadOptions options_;
};

}  // namespace coord::loadgen
