// Countdown: a count that I/O handlers decrement and one thread awaits with a deadline (a
// std::latch that can give up), so a phase of a run waits for the streams to answer rather
// than for a guessed time.
//
// Thread-safety: all members are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace coord::loadgen {

class Countdown {
 public:
  explicit Countdown(uint64_t count) : left_(count) {}

  // Below zero is ignored: each participant is expected to count down once.
  void CountDown() {
    std::lock_guard<std::mutex> lock(mu_);
    if (left_ > 0 && --left_ == 0) reached_zero_.notify_all();
  }

  // True if the count reached zero within `timeout`.
  bool WaitFor(std::chrono::steady_clock::duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return reached_zero_.wait_for(lock, timeout, [this] { return left_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable reached_zero_;
  uint64_t left_;  // GUARDED_BY(mu_)
};

}  // namespace coord::loadgen
