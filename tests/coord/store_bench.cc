// coord_store_bench: the store's figures on one replica, without Raft (docs/coord.md records
// them with the command and the machine).
//
//   Memory/1000000          resident bytes per node for 1,000,000 nodes with 100-byte data
//                           (RSS from /proc/self/statm before and after), and the overhead
//                           beyond path and data
//   StoreCreate, StoreSet, StoreGet   typed API calls per second
//   ApplyCreate, ApplySet   StateMachine::Apply per second: protobuf decode, execute, encode
//   ApplyCreateDuringSnapshot   the same while a snapshot of the tree streams on a thread
//   ApplyStall/0, ApplyStall/1   the longest gap between two applies on a 1,000,000-node
//                           state, without / while snapshots of it are taken and streamed
//   Snapshot/1000000, Restore/1000000   streaming a 1,000,000-node state out and back in
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>
#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <thread>

#include "coord/codec.h"
#include "coord/digest.h"
#include "coord/snapshot_reader.h"
#include "coord/state_machine.h"
#include "coord/store.h"
#include "workload.h"

namespace coord::store {
namespace {

constexpr size_t kDataBytes = 100;
constexpr size_t kFanout = 1000;  // nodes per directory: /d0000/n0000000000

std::string DirPath(size_t d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "/d%04zu", d);
  return buf;
}
std::string NodePath(size_t i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "/d%04zu/n%010zu", i / kFanout, i);
  return buf;
}

size_t ResidentBytes() {
  long size = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<size_t>(resident) * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

// Fills `store` with n nodes of 100-byte data under n / 1000 directories.
void Fill(Store& store, size_t n) {
  const std::string data(kDataBytes, 'x');
  uint64_t zxid = store.zxid();
  for (size_t d = 0; d * kFanout < n; ++d) {
    store.Create(Txn{++zxid, 0, 0}, CreateRequest{DirPath(d), "", CreateMode::kPersistent, 0});
  }
  for (size_t i = 0; i < n; ++i) {
    store.Create(Txn{++zxid, 0, 0}, CreateRequest{NodePath(i), data, CreateMode::kPersistent, 0});
  }
}

void BM_Memory(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    malloc_trim(0);  // so that memory freed by earlier benchmarks does not hide our growth
    const size_t before = ResidentBytes();
    auto store = std::make_unique<Store>();
    Fill(*store, n);
    const size_t after = ResidentBytes();
    const double per_node = static_cast<double>(after - before) / static_cast<double>(n);
    const double payload = static_cast<double>(NodePath(n / 2).size() + kDataBytes);
    state.counters["nodes"] = static_cast<double>(store->node_count());
    state.counters["rss_bytes_per_node"] = per_node;
    state.counters["path_plus_data_bytes"] = payload;
    state.counters["overhead_bytes_per_node"] = per_node - payload;
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_Memory)->Arg(1'000'000)->Iterations(1)->Unit(benchmark::kMillisecond);

// Creates: each iteration adds one node to a tree that grows through the run.
void BM_StoreCreate(benchmark::State& state) {
  Store store;
  store.Create(Txn{1, 0, 0}, CreateRequest{"/b", "", CreateMode::kPersistent, 0});
  const std::string data(kDataBytes, 'x');
  uint64_t zxid = 1;
  size_t i = 0;
  char path[64];
  for (auto _ : state) {
    std::snprintf(path, sizeof path, "/b/n%010zu", i++);
    auto r = store.Create(Txn{++zxid, 0, 0}, CreateRequest{path, data, CreateMode::kPersistent, 0});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreCreate);

// A shared tree of `n` nodes for the read and set benchmarks.
Store& Tree(size_t n) {
  static std::unique_ptr<Store> tree;
  static size_t size = 0;
  if (size != n) {
    tree.reset();
    tree = std::make_unique<Store>();
    Fill(*tree, n);
    size = n;
  }
  return *tree;
}

void BM_StoreSet(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Store& store = Tree(n);
  std::mt19937_64 rng(1);
  const std::string data(kDataBytes, 'y');
  uint64_t zxid = store.zxid();
  for (auto _ : state) {
    auto r = store.SetData(Txn{++zxid, 0, 0}, SetDataRequest{NodePath(rng() % n), data, {}});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreSet)->Arg(100'000)->Arg(1'000'000);

void BM_StoreGet(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Store& store = Tree(n);
  std::mt19937_64 rng(2);
  for (auto _ : state) {
    auto r = store.Get(NodePath(rng() % n));
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreGet)->Arg(100'000)->Arg(1'000'000);

// Creates as encoded commands, made in batches outside the timed region: building a
// command is the proposer's cost, not Apply's.
class CreateCommands {
 public:
  const std::string& Next(benchmark::State& state) {
    if (next_ == batch_.size()) {
      state.PauseTiming();
      batch_.clear();
      pb::Command c = MakeCommand({1, 0, 0}, CreateRequest{"", std::string(kDataBytes, 'x'),
                                                           CreateMode::kPersistent, 0});
      char path[64];
      for (int k = 0; k < 4096; ++k) {
        std::snprintf(path, sizeof path, "/b/n%010zu", made_++);
        c.mutable_create()->set_path(path);
        batch_.push_back(c.SerializeAsString());
      }
      next_ = 0;
      state.ResumeTiming();
    }
    return batch_[next_++];
  }

 private:
  std::vector<std::string> batch_;
  size_t next_ = 0;
  size_t made_ = 0;
};

// Through raft::StateMachine::Apply: decode the command, execute, encode the response.
void BM_ApplyCreate(benchmark::State& state) {
  StoreStateMachine sm;
  uint64_t index = 0;
  sm.Apply(++index, MakeCommand({}, CreateRequest{"/b", "", CreateMode::kPersistent, 0})
                        .SerializeAsString());
  CreateCommands commands;
  for (auto _ : state) benchmark::DoNotOptimize(sm.Apply(++index, commands.Next(state)));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApplyCreate);

void BM_ApplySet(benchmark::State& state) {
  constexpr size_t kNodes = 100'000;
  StoreStateMachine sm;
  Fill(sm.store(), kNodes);
  uint64_t index = sm.LastApplied();
  std::mt19937_64 rng(3);
  std::vector<std::string> commands;
  for (int i = 0; i < 4096; ++i) {
    commands.push_back(MakeCommand({1, 0, 0}, SetDataRequest{NodePath(rng() % kNodes),
                                                            std::string(kDataBytes, 'y'), {}})
                           .SerializeAsString());
  }
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(sm.Apply(++index, commands[i++ % 4096]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApplySet);

// Apply while a snapshot of a 1,000,000-node tree streams on another thread: the cost of
// copy-on-write for the apply thread (the writer is restarted whenever it finishes).
class NullSink : public raft::SnapshotSink {
 public:
  raft::Status Write(std::string_view chunk) override {
    bytes += chunk.size();
    return raft::Status::Ok();
  }
  size_t bytes = 0;
};

void BM_ApplyCreateDuringSnapshot(benchmark::State& state) {
  StoreStateMachine sm;
  Fill(sm.store(), 1'000'000);
  uint64_t index = sm.LastApplied();
  sm.Apply(++index, MakeCommand({}, CreateRequest{"/b", "", CreateMode::kPersistent, 0})
                        .SerializeAsString());
  std::atomic<bool> stop{false};
  std::atomic<int> snapshots{0};
  std::shared_ptr<raft::SnapshotWriter> writer(sm.CaptureSnapshot());
  std::thread background([&] {
    while (!stop.load()) {
      NullSink sink;
      writer->WriteTo(sink);
      snapshots.fetch_add(1);
    }
  });
  CreateCommands commands;
  for (auto _ : state) benchmark::DoNotOptimize(sm.Apply(++index, commands.Next(state)));
  stop = true;
  background.join();
  state.counters["snapshots_written"] = snapshots.load();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApplyCreateDuringSnapshot);

// The apply thread's longest pause while snapshots of a 1,000,000-node state are captured (on
// the apply thread, as the runtime does) and streamed on another thread, back to back: the
// gaps between consecutive Apply completions over 300,000 creates. Arg 0: no snapshot (the
// baseline: allocation, B+tree splits); arg 1: with snapshots.
void BM_ApplyStall(benchmark::State& state) {
  const bool snapshotting = state.range(0) != 0;
  StoreStateMachine sm;
  Fill(sm.store(), 1'000'000);
  uint64_t index = sm.LastApplied();
  sm.Apply(++index, MakeCommand({}, CreateRequest{"/b", "", CreateMode::kPersistent, 0})
                        .SerializeAsString());
  std::vector<std::string> prepared;
  pb::Command c = MakeCommand({1, 0, 0}, CreateRequest{"", std::string(kDataBytes, 'x'),
                                                       CreateMode::kPersistent, 0});
  for (int i = 0; i < 300'000; ++i) {
    char path[64];
    std::snprintf(path, sizeof path, "/b/n%010d", i);
    c.mutable_create()->set_path(path);
    prepared.push_back(c.SerializeAsString());
  }
  std::atomic<bool> stop{false};
  std::atomic<int> snapshots{0};
  std::mutex mu;
  std::shared_ptr<raft::SnapshotWriter> pending;  // captured on the apply thread, streamed here
  std::thread background([&] {
    while (!stop.load()) {
      std::shared_ptr<raft::SnapshotWriter> w;
      {
        std::lock_guard<std::mutex> lock(mu);
        w = std::move(pending);
      }
      if (!w) {
        std::this_thread::yield();
        continue;
      }
      NullSink sink;
      w->WriteTo(sink);
      snapshots.fetch_add(1);
    }
  });
  std::vector<double> gaps_us;
  gaps_us.reserve(prepared.size());
  for (auto _ : state) {
    auto last = std::chrono::steady_clock::now();
    for (size_t i = 0; i < prepared.size(); ++i) {
      if (snapshotting && i % 20'000 == 0) {
        std::lock_guard<std::mutex> lock(mu);
        if (!pending) pending = std::shared_ptr<raft::SnapshotWriter>(sm.CaptureSnapshot());
      }
      benchmark::DoNotOptimize(sm.Apply(++index, prepared[i]));
      const auto now = std::chrono::steady_clock::now();
      gaps_us.push_back(std::chrono::duration<double, std::micro>(now - last).count());
      last = now;
    }
  }
  stop = true;
  background.join();
  std::sort(gaps_us.begin(), gaps_us.end());
  state.counters["snapshots"] = snapshots.load();
  state.counters["gap_p50_us"] = gaps_us[gaps_us.size() / 2];
  state.counters["gap_p999_us"] = gaps_us[gaps_us.size() * 999 / 1000];
  state.counters["gap_max_us"] = gaps_us.back();
}
BENCHMARK(BM_ApplyStall)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kMillisecond);

StoreStateMachine& BigMachine() {
  static std::unique_ptr<StoreStateMachine> sm = [] {
    auto m = std::make_unique<StoreStateMachine>();
    Fill(m->store(), 1'000'000);
    return m;
  }();
  return *sm;
}

void BM_Snapshot(benchmark::State& state) {
  StoreStateMachine& sm = BigMachine();
  size_t bytes = 0;
  for (auto _ : state) {
    auto writer = sm.CaptureSnapshot();
    NullSink sink;
    raft::Status st = writer->WriteTo(sink);
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
    bytes = sink.bytes;
  }
  state.counters["nodes"] = static_cast<double>(sm.store().node_count());
  state.counters["snapshot_bytes"] = static_cast<double>(bytes);
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
}
BENCHMARK(BM_Snapshot)->Arg(1'000'000)->Iterations(3)->Unit(benchmark::kMillisecond);

void BM_CaptureSnapshot(benchmark::State& state) {
  StoreStateMachine& sm = BigMachine();
  for (auto _ : state) benchmark::DoNotOptimize(sm.CaptureSnapshot());
}
BENCHMARK(BM_CaptureSnapshot)->Unit(benchmark::kNanosecond);

void BM_Restore(benchmark::State& state) {
  StoreStateMachine& sm = BigMachine();
  testing::StringSink sink;
  sm.CaptureSnapshot()->WriteTo(sink);
  const std::string bytes = sink.Joined();
  sink.chunks.clear();
  const uint64_t want = Digest(sm.store().state());
  for (auto _ : state) {
    state.PauseTiming();
    auto target = std::make_unique<StoreStateMachine>();
    testing::StringSource source(bytes, 256 << 10);
    state.ResumeTiming();
    raft::Status st = target->Restore(source);
    state.PauseTiming();
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
    if (Digest(target->store().state()) != want) state.SkipWithError("digest mismatch");
    target.reset();
    state.ResumeTiming();
  }
  state.counters["nodes"] = static_cast<double>(sm.store().node_count());
  state.SetBytesProcessed(static_cast<int64_t>(bytes.size()) * state.iterations());
}
BENCHMARK(BM_Restore)->Arg(1'000'000)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace coord::store

BENCHMARK_MAIN();
