#include "client/loadgen/watch_workload.h"

#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "client/loadgen/countdown.h"
#include "client/loadgen/delivery_check.h"
#include "client/loadgen/probe_clock.h"
#include "client/loadgen/probe_writer.h"
#include "client/loadgen/progress_line.h"
#include "client/loadgen/request_factory.h"
#include "client/loadgen/request_loop.h"
#include "client/loadgen/watch_stream.h"

namespace coord::loadgen {
namespace {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kOpenLimit{30};
constexpr std::chrono::seconds kCatchUpLimit{10};
// Writers stop at their first answer after the deadline; coordd answers or times out a
// request within its --request-timeout-ms (5 s), so this is only reached if it hangs.
constexpr std::chrono::seconds kWritersStopLimit{30};

double Ms(uint64_t nanos) { return static_cast<double>(nanos) / 1e6; }

// The I/O threads of a run, kept running by a work guard while the phases come and go.
class IoThreads {
 public:
  IoThreads(net::io_context& io, int count) : io_(io), work_(net::make_work_guard(io)) {
    for (int i = 0; i < count; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~IoThreads() { Join(false); }
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  // Returns once the pending work is done; with `abandon`, at once (pending handlers are dropped).
  void Join(bool abandon) {
    work_.reset();
    if (abandon) io_.stop();
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  net::io_context& io_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

class WatchRun {
 public:
  explicit WatchRun(const LoadOptions& o)
      : o_(o), factory_(o), writers_stopped_(static_cast<uint64_t>(o.concurrency)),
        probe_(std::make_shared<ProbeWriter>(io_, o.targets.front(), &clock_)), threads_(io_, o.threads) {
    writers_.options = &o_;
    writers_.factory = &factory_;
    writers_.mode = LoopMode::kTimed;
    writers_.on_finished = [this] { writers_stopped_.CountDown(); };
  }

  RunResult Run() {
    RunResult total;
    ProbeAnswer start = probe_->Write(factory_.WriteProbe(true)).get();
    if (start.status == 409) start = probe_->Write(factory_.WriteProbe(false)).get();
    if (!start.ok()) {
      ++total.errors[start.error];
      return total;
    }
    OpenStreams(start.zxid);
    if (streams_shared_->opened.load() > 0) {
      ProgressLine progress(o_, 0, streams_shared_->delivered, writers_.failed);
      WriteAndProbe(&total);
    }
    for (const auto& s : streams_) s->Close();
    threads_.Join(/*abandon=*/!writers_done_);
    Collect(&total);
    return total;
  }

 private:
  void OpenStreams(uint64_t since) {
    streams_shared_.emplace(o_.watchers, factory_.WatchPrefix(since), factory_.ProbePath(), &clock_,
                            &writers_.failed);
    for (int i = 0; i < o_.watchers; ++i) {
      streams_.push_back(std::make_shared<WatchStream>(io_, &*streams_shared_, TargetOf(i)));
      streams_.back()->Start();
    }
    // Streams that have not answered by then fail when the run closes them.
    streams_shared_->answered.WaitFor(kOpenLimit);
  }

  // The writers for warmup + duration, the probe meanwhile, then the end fence.
  void WriteAndProbe(RunResult* total) {
    const MeasuredWindow window = WindowOf(o_, false, Clock::now());
    clock_.SetWindow(window);
    streams_shared_->SetWindow(window);
    writers_.measure_from = window.from;
    writers_.deadline = window.deadline;
    for (int i = 0; i < o_.concurrency; ++i) {
      loops_.push_back(std::make_shared<RequestLoop>(io_, &writers_, i, TargetOf(i)));
      loops_.back()->Start();
    }
    while (Clock::now() < window.deadline) {
      const ProbeAnswer a = probe_->Write(factory_.WriteProbe(false)).get();
      if (!a.ok()) {
        ++total->errors[a.error];
        break;  // a write of unknown zxid would confuse the next ones' latencies (probe_clock.h)
      }
      ++probe_acknowledged_;
    }
    writers_done_ = writers_stopped_.WaitFor(window.deadline - Clock::now() + kWritersStopLimit);
    if (!writers_done_) ++total->errors["write: no answer long after the deadline"];
    const ProbeAnswer fence = probe_->Write(factory_.WriteProbe(false)).get();
    if (!fence.ok()) {
      ++total->errors[fence.error];
      return;
    }
    ++probe_acknowledged_;
    end_zxid_ = fence.zxid;
    streams_shared_->SetEndZxid(fence.zxid);
    for (const auto& s : streams_) s->CheckEnd();
    streams_shared_->finished.WaitFor(kCatchUpLimit);
  }

  // REQUIRES: the I/O threads have stopped.
  void Collect(RunResult* total) const {
    std::vector<StreamTally> tallies;
    for (const auto& s : streams_) {
      total->Add(s->result());
      tallies.push_back(s->tally());
    }
    // Without the end fence no stream can be said to be complete: the probe's error says why.
    if (end_zxid_ != 0) CheckDeliveries(tallies, writers_.acknowledged.load() + probe_acknowledged_, &total->errors);
    RunResult writes;
    for (const auto& l : loops_) writes.Add(l->result);
    for (const auto& [kind, n] : writes.errors) total->errors["write: " + kind] += n;
    total->seconds = o_.duration_s;
    const uint64_t open = streams_shared_ ? streams_shared_->opened.load() : 0;
    total->figures = {
        {"watchers_open", static_cast<double>(open)},
        {"events_per_s_per_watcher", open > 0 ? total->throughput() / static_cast<double>(open) : 0},
        {"writes_per_s", o_.duration_s > 0 ? static_cast<double>(writes.ok) / o_.duration_s : 0},
        {"write_latency_p50_ms", Ms(writes.latency.Percentile(0.50))},
        {"write_latency_p99_ms", Ms(writes.latency.Percentile(0.99))},
        {"probe_writes", static_cast<double>(clock_.measured_writes())},
        {"delivery_samples", static_cast<double>(total->latency.count())},
    };
  }

  const Target& TargetOf(int i) const { return o_.targets[static_cast<size_t>(i) % o_.targets.size()]; }

  const LoadOptions o_;
  const RequestFactory factory_;
  net::io_context io_;
  ProbeClock clock_;
  RequestLoopShared writers_;
  Countdown writers_stopped_;
  std::optional<WatchStreamShared> streams_shared_;
  std::vector<std::shared_ptr<WatchStream>> streams_;
  std::vector<std::shared_ptr<RequestLoop>> loops_;
  std::shared_ptr<ProbeWriter> probe_;
  uint64_t probe_acknowledged_ = 0;  // probe writes answered 2xx after the start zxid
  uint64_t end_zxid_ = 0;
  bool writers_done_ = true;
  // Last: destroyed first, so no handler runs while the members above go away.
  IoThreads threads_;
};

}  // namespace

RunResult RunWatchWorkload(const LoadOptions& options) {
  WatchRun run(options);
  return run.Run();
}

}  // namespace coord::loadgen
