#include "client/loadgen/progress_line.h"

#include <cstdio>

namespace coord::loadgen {

using Clock = std::chrono::steady_clock;

ProgressLine::ProgressLine(const LoadOptions& options, uint64_t populate_count,
                           const std::atomic<uint64_t>& completed,
                           const std::atomic<uint64_t>& failed)
    : options_(options), populate_count_(populate_count), completed_(completed), failed_(failed),
      thread_([this] { Loop(); }) {}

ProgressLine::~ProgressLine() {
  done_ = true;
  thread_.join();
}

void ProgressLine::Loop() {
  uint64_t last = 0;
  auto t = Clock::now();
  while (!done_.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // a display tick
    if (Clock::now() - t < std::chrono::seconds(1) || options_.quiet) continue;
    t = Clock::now();
    const uint64_t now = completed_.load();
    const double elapsed = std::chrono::duration<double>(t - start_).count();
    if (populate_count_ > 0) {
      std::fprintf(stderr, "\rpopulate: %llu/%llu keys  %llu/s   ", static_cast<unsigned long long>(now),
                   static_cast<unsigned long long>(populate_count_), static_cast<unsigned long long>(now - last));
    } else {
      const bool watch = options_.workload == Workload::kWatch;  // counts events delivered
      std::fprintf(stderr, "\r%s %s c=%d  %5.1f/%.1f s  %llu %s  errors %llu   ", SystemName(options_.system),
                   WorkloadName(options_.workload), options_.concurrency, elapsed,
                   options_.warmup_s + options_.duration_s, static_cast<unsigned long long>(now - last),
                   watch ? "events/s" : "req/s", static_cast<unsigned long long>(failed_.load()));
    }
    last = now;
  }
  if (!options_.quiet) std::fprintf(stderr, "\n");
}

}  // namespace coord::loadgen
