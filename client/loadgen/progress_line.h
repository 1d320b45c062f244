// ProgressLine: while coord-load works, a line on stderr rewritten once a second (requests per
// second of the last second, or events delivered per second for the watch workload; errors so
// far); nothing with --quiet. Runs its own thread from
// construction to destruction.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "client/loadgen/load_options.h"

namespace coord::loadgen {

class ProgressLine {
 public:
  // `populate_count` > 0: the populate phase ("populate: n/N keys"); else the timed run.
  ProgressLine(const LoadOptions& options, uint64_t populate_count,
               const std::atomic<uint64_t>& completed, const std::atomic<uint64_t>& failed);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

 private:
  void Loop();

  const LoadOptions& options_;
  const uint64_t populate_count_;
  const std::atomic<uint64_t>& completed_;
  const std::atomic<uint64_t>& failed_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace coord::loadgen
