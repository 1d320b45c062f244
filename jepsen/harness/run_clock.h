// RunClock: the one clock of a run: monotonic nanoseconds since the run started, as the history
// format requires. Thread-safe (immutable after construction).
#pragma once

#include <chrono>
#include <cstdint>

namespace coord::jepsen::harness {

class RunClock {
 public:
  RunClock() : start_(std::chrono::steady_clock::now()) {}
  int64_t Now() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now() - start_).count();
  }
  double Seconds() const { return static_cast<double>(Now()) / 1e9; }

 private:
  const std::chrono::steady_clock::time_point start_;
};

}  // namespace coord::jepsen::harness
