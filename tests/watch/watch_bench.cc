// watch_bench: one write fanned out to 10,000 watchers on one node (docs/watch.md records
// the figures with the command and the machine).
//
//   FanOutCallback/10000/k   time from OnApplied until the last of 10,000 watchers has been
//                            notified (on_ready runs on the apply thread, so this is the
//                            apply thread's cost of the write's fan-out)
//   FanOutDrained/10000/k    time from OnApplied until the last watcher has drained the
//                            event on one of 2 consumer threads (woken by on_ready through a
//                            shared work queue, as an HTTP binding would post to its I/O
//                            threads)
//   Memory/10000             resident bytes per registered watcher, idle and with one event
//                            queued in each
// k = 0: all watchers are persistent watches on the written path; k = 1: all are recursive
// watches on an ancestor of it. p50 / p99 are over the iterations (one write each).
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "watch/watch_hub.h"

namespace coord::watch {
namespace {

using Clock = std::chrono::steady_clock;

const char* kPath = "/bench/key";

WatchSpec SpecFor(int64_t kind) {
  return kind == 0 ? WatchSpec{kPath, WatchKind::kPersistent}
                   : WatchSpec{"/bench", WatchKind::kPersistentRecursive};
}

store::EventList OneEvent(uint64_t zxid) {
  return {store::Event{store::EventType::kDataChanged, kPath, zxid}};
}

size_t ResidentBytes() {
  long size = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<size_t>(resident) * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

void Percentiles(benchmark::State& state, std::vector<double> us) {
  if (us.empty()) return;
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<size_t>(q * us.size()))]; };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = us.back();
}

WatchOptions BenchOptions(size_t watchers) {
  WatchOptions options;
  options.max_watchers = watchers;
  return options;
}

void BM_FanOutCallback(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  WatchHub hub(BenchOptions(n));
  size_t notified = 0;  // callbacks run on this (the apply) thread
  Clock::time_point last;
  std::vector<std::shared_ptr<Watcher>> watchers;
  for (size_t i = 0; i < n; ++i) {
    auto r = hub.Register({SpecFor(state.range(1)), {}, 0, [&] {
                             if (++notified == n) last = Clock::now();
                           }});
    watchers.push_back(std::move(r).value());
    watchers.back()->Drain();
  }
  std::vector<double> us;
  uint64_t zxid = 0;
  for (auto _ : state) {
    notified = 0;
    ++zxid;
    auto start = Clock::now();
    hub.OnApplied(zxid, OneEvent(zxid));
    if (notified != n) state.SkipWithError("not every watcher was notified");
    double elapsed = std::chrono::duration<double>(last - start).count();
    state.SetIterationTime(elapsed);
    us.push_back(elapsed * 1e6);
    state.PauseTiming();
    for (auto& w : watchers) w->Drain();  // re-arm
    state.ResumeTiming();
  }
  Percentiles(state, std::move(us));
}

// A work queue of ready watchers shared by the consumer threads.
class Consumers {
 public:
  Consumers(std::vector<std::shared_ptr<Watcher>>* watchers, int threads) : watchers_(watchers) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
  }
  ~Consumers() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  void Ready(size_t index) {
    bool wake;
    {
      std::lock_guard lock(mu_);
      wake = ready_.empty();
      ready_.push_back(index);
    }
    if (wake) cv_.notify_all();
  }
  // Arms the countdown for the write at `zxid`.
  void Expect(uint64_t zxid, size_t n) {
    std::lock_guard lock(done_mu_);
    zxid_ = zxid;
    remaining_ = n;
  }
  // Waits until every watcher has drained the write; returns when the last one did.
  Clock::time_point Wait() {
    std::unique_lock lock(done_mu_);
    done_cv_.wait(lock, [&] { return remaining_ == 0; });
    return last_;
  }

 private:
  void Run() {
    std::vector<size_t> batch;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !ready_.empty(); });
        if (stop_) return;
        batch.swap(ready_);
      }
      size_t got = 0;
      uint64_t zxid = 0;
      for (size_t i : batch) {
        Delivery d = (*watchers_)[i]->Drain();
        if (!d.batches.empty()) {
          ++got;
          zxid = d.batches.back().zxid;
        }
      }
      batch.clear();
      if (got == 0) continue;
      std::lock_guard lock(done_mu_);
      if (zxid != zxid_) continue;
      remaining_ -= got;
      if (remaining_ == 0) {
        last_ = Clock::now();
        done_cv_.notify_all();
      }
    }
  }

  std::vector<std::shared_ptr<Watcher>>* const watchers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<size_t> ready_;  // GUARDED_BY(mu_)
  bool stop_ = false;          // GUARDED_BY(mu_)
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  uint64_t zxid_ = 0;          // GUARDED_BY(done_mu_)
  size_t remaining_ = 0;       // GUARDED_BY(done_mu_)
  Clock::time_point last_;     // GUARDED_BY(done_mu_)
  std::vector<std::thread> threads_;
};

void BM_FanOutDrained(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  WatchHub hub(BenchOptions(n));
  std::vector<std::shared_ptr<Watcher>> watchers;
  std::unique_ptr<Consumers> consumers;
  for (size_t i = 0; i < n; ++i) {
    auto r = hub.Register({SpecFor(state.range(1)), {}, 0, [&consumers, i] { consumers->Ready(i); }});
    watchers.push_back(std::move(r).value());
  }
  consumers = std::make_unique<Consumers>(&watchers, 2);
  for (auto& w : watchers) w->Drain();  // arm
  std::vector<double> us;
  uint64_t zxid = 0;
  for (auto _ : state) {
    ++zxid;
    consumers->Expect(zxid, n);
    auto start = Clock::now();
    hub.OnApplied(zxid, OneEvent(zxid));
    auto last = consumers->Wait();
    double elapsed = std::chrono::duration<double>(last - start).count();
    state.SetIterationTime(elapsed);
    us.push_back(elapsed * 1e6);
  }
  consumers.reset();
  Percentiles(state, std::move(us));
}

void BM_Memory(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    WatchHub hub(BenchOptions(n));
    std::vector<std::shared_ptr<Watcher>> watchers;
    watchers.reserve(n);
    malloc_trim(0);
    size_t before = ResidentBytes();
    for (size_t i = 0; i < n; ++i) {
      auto r = hub.Register({{kPath, WatchKind::kPersistent}, {}, 0, [] {}});
      watchers.push_back(std::move(r).value());
    }
    size_t registered = ResidentBytes();
    hub.OnApplied(1, OneEvent(1));
    size_t queued = ResidentBytes();
    state.counters["bytes_per_watcher"] =
        static_cast<double>(registered - before) / static_cast<double>(n);
    state.counters["bytes_per_queued_event"] =
        static_cast<double>(queued - registered) / static_cast<double>(n);
    watchers.clear();
  }
}

BENCHMARK(BM_FanOutCallback)->Args({10'000, 0})->Args({10'000, 1})->UseManualTime()
    ->Iterations(500)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FanOutDrained)->Args({10'000, 0})->Args({10'000, 1})->UseManualTime()
    ->Iterations(500)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Memory)->Arg(10'000)->Arg(100'000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace coord::watch

BENCHMARK_MAIN();
