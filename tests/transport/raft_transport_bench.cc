// Throughput of the peer transport between two transports on loopback (one process, each
// transport with its own I/O thread). Node 1 sends appends to node 2, whose handler counts
// them; every iteration sends a burst and waits until all of it has arrived, so the figures
// are end to end (serialize, queue, write, read, parse, deliver).
//
//   BM_SmallAppends:        100-byte-entry appends, 1 (Send(message)) to 1000 (Send(vector))
//                           messages per call
//   BM_LargeAppendsBatched: appends of 64 entries x 1 KiB (~66 KB), as a catching-up
//                           follower gets them, 16 per Send(vector)
//   BM_RoundTrip:           one message to node 2 and its echo back: latency, not throughput
//
// Results and the command line are recorded in docs/transport.md.
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>

#include <benchmark/benchmark.h>

#include "raft/transport/transport.h"

namespace coord::raft::transport {
namespace {

raft::pb::Message MakeAppend(uint64_t from, uint64_t to, int entries, size_t entry_bytes) {
  raft::pb::Message m;
  m.set_type(raft::pb::MSG_APPEND);
  m.set_from(from);
  m.set_to(to);
  m.set_term(5);
  m.set_log_term(5);
  m.set_index(123456);
  m.set_commit(123400);
  for (int i = 0; i < entries; ++i) {
    raft::pb::Entry* e = m.add_entries();
    e->set_term(5);
    e->set_index(123457 + i);
    e->set_data(std::string(entry_bytes, 'x'));
  }
  return m;
}

// Two connected transports; node 2 counts what it receives (and may echo it back).
class Pair {
 public:
  explicit Pair(bool echo) {
    auto options = [](uint64_t id) {
      Transport::Options o;
      o.cluster_id = 1;
      o.node_id = id;
      o.listen_host = "127.0.0.1";
      o.max_queue_per_peer = 1 << 20;  // a benchmark burst must not be dropped
      o.max_queue_bytes_per_peer = 1u << 30;
      o.seed = id;
      return o;
    };
    a_ = Start(options(1), [this](raft::pb::Message) { Arrived(echoes_); });
    b_ = Start(options(2), [this, echo](raft::pb::Message m) {
      if (echo) {
        m.set_from(2);
        m.set_to(1);
        b_->Send(std::move(m));
      }
      Arrived(received_);
    });
    const std::map<uint64_t, std::string> book = {
        {1, "127.0.0.1:" + std::to_string(a_->listen_port())},
        {2, "127.0.0.1:" + std::to_string(b_->listen_port())}};
    a_->UpdatePeers(book);
    b_->UpdatePeers(book);
    // Setup, not measurement: a probe message per direction proves both streams are up.
    a_->Send(MakeAppend(1, 2, 0, 0));
    WaitReceived(1);
    b_->Send(MakeAppend(2, 1, 0, 0));
    WaitEchoes(echo ? 2 : 1);
  }

  Transport& a() { return *a_; }
  uint64_t received() {
    std::lock_guard lock(mu_);
    return received_;
  }
  void WaitReceived(uint64_t n) { Wait(received_, n); }
  void WaitEchoes(uint64_t n) { Wait(echoes_, n); }

 private:
  std::unique_ptr<Transport> Start(Transport::Options options, Transport::MessageHandler handler) {
    auto started = Transport::Start(std::move(options), std::move(handler));
    if (!started.ok()) {
      std::fprintf(stderr, "Transport::Start: %s\n", started.status().ToString().c_str());
      std::abort();
    }
    return std::move(started).value();
  }
  void Arrived(uint64_t& counter) {
    std::lock_guard lock(mu_);
    // Wake the waiter only when its target is reached: a wake-up per message would measure
    // the benchmark's own thread switching.
    if (++counter == target_) cv_.notify_all();
  }
  void Wait(uint64_t& counter, uint64_t n) {
    std::unique_lock lock(mu_);
    target_ = n;
    if (!cv_.wait_for(lock, std::chrono::seconds(60), [&] { return counter >= n; })) {
      std::fprintf(stderr, "benchmark stalled: %llu of %llu messages\n",
                   static_cast<unsigned long long>(counter), static_cast<unsigned long long>(n));
      std::abort();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t received_ = 0;  // GUARDED_BY(mu_)
  uint64_t echoes_ = 0;    // GUARDED_BY(mu_)
  uint64_t target_ = 0;    // GUARDED_BY(mu_): the count the waiter waits for
  std::unique_ptr<Transport> a_;  // destroyed before the counters they touch
  std::unique_ptr<Transport> b_;
};

void Report(benchmark::State& state, Transport& sender, uint64_t messages, size_t message_bytes) {
  state.SetItemsProcessed(static_cast<int64_t>(messages));
  state.SetBytesProcessed(static_cast<int64_t>(messages * (message_bytes + 4)));
  const Stats s = sender.stats();
  state.counters["msgs_per_write"] =
      s.writes == 0 ? 0.0 : static_cast<double>(s.messages_sent) / static_cast<double>(s.writes);
  state.counters["dropped"] = static_cast<double>(s.dropped_queue_full + s.dropped_unsent);
}

// Bursts of 10,000 100-byte-entry appends, handed over `range(0)` messages per Send call
// (1: Send(message); more: Send(vector)).
void BM_SmallAppends(benchmark::State& state) {
  Pair pair(false);
  const size_t per_call = static_cast<size_t>(state.range(0));
  constexpr size_t kBurst = 10000;
  const raft::pb::Message proto = MakeAppend(1, 2, 1, 100);
  uint64_t sent = 0;
  const uint64_t base = pair.received();
  for (auto _ : state) {
    for (size_t done = 0; done < kBurst; done += per_call) {
      if (per_call == 1) {
        pair.a().Send(proto);
      } else {
        pair.a().Send(std::vector<raft::pb::Message>(per_call, proto));
      }
    }
    sent += kBurst;
    pair.WaitReceived(base + sent);
  }
  Report(state, pair.a(), sent, proto.ByteSizeLong());
}
BENCHMARK(BM_SmallAppends)
    ->ArgName("per_send")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_LargeAppendsBatched(benchmark::State& state) {
  Pair pair(false);
  constexpr size_t kBatch = 16;
  const raft::pb::Message proto = MakeAppend(1, 2, 64, 1024);
  uint64_t sent = 0;
  const uint64_t base = pair.received();
  for (auto _ : state) {
    pair.a().Send(std::vector<raft::pb::Message>(kBatch, proto));
    sent += kBatch;
    pair.WaitReceived(base + sent);
  }
  Report(state, pair.a(), sent, proto.ByteSizeLong());
}
BENCHMARK(BM_LargeAppendsBatched)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_RoundTrip(benchmark::State& state) {
  Pair pair(true);
  const raft::pb::Message proto = MakeAppend(1, 2, 1, 100);
  uint64_t sent = 0;
  for (auto _ : state) {
    pair.a().Send(proto);
    ++sent;
    pair.WaitEchoes(2 + sent);  // 2: the setup probes
  }
  state.SetItemsProcessed(static_cast<int64_t>(sent));
}
BENCHMARK(BM_RoundTrip)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace coord::raft::transport

BENCHMARK_MAIN();
