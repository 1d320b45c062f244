// Persist throughput of LeveldbStorage: synced batches of 1, 16 and 64 entries of 100 bytes,
// each with a hard state, as the runtime persists a Ready. Reports entries/s and fsyncs/s
// (from StorageStats, so leveldb's own background syncs are counted too). Also: how long Open
// takes when it must checksum a large snapshot file.
//
//   raft_storage_bench [--benchmark_min_time=2] [--dir=/path/on/the/disk/to/measure]
//
// The data directory defaults to a fresh directory under $TMPDIR (or /tmp); fsync cost is a
// property of the disk behind it, so say which disk when quoting a figure.
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "raft/storage/leveldb_storage.h"

namespace coord::raft {
namespace {

std::string g_base_dir;

std::string FreshDir() {
  std::string pattern = g_base_dir + "/coord-storage-bench-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

void BM_Persist(benchmark::State& state) {
  const auto batch = static_cast<uint64_t>(state.range(0));
  const std::string dir = FreshDir();
  LeveldbStorageOptions options;
  options.dir = dir;
  options.cluster_id = "bench";
  options.node_id = 1;
  options.create_if_missing = true;
  auto opened = LeveldbStorage::Open(options);
  if (!opened.ok()) {
    state.SkipWithError(opened.status().ToString().c_str());
    return;
  }
  std::unique_ptr<LeveldbStorage> storage = std::move(opened).value();

  std::vector<pb::Entry> entries(batch);
  for (pb::Entry& e : entries) {
    e.set_term(1);
    e.set_data(std::string(100, 'x'));
  }
  pb::HardState hs;
  hs.set_term(1);
  hs.set_vote(1);
  uint64_t next = 1;
  const StorageStats before = storage->stats();
  for (auto _ : state) {
    for (pb::Entry& e : entries) e.set_index(next++);
    hs.set_commit(next - 1);
    const Status s = storage->Persist(std::nullopt, entries, hs);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  const StorageStats after = storage->stats();
  state.counters["entries/s"] = benchmark::Counter(static_cast<double>(state.iterations() * batch),
                                                   benchmark::Counter::kIsRate);
  state.counters["fsyncs/s"] = benchmark::Counter(static_cast<double>(after.fsyncs - before.fsyncs),
                                                  benchmark::Counter::kIsRate);
  state.counters["fsyncs/write"] = benchmark::Counter(
      static_cast<double>(after.fsyncs - before.fsyncs) / static_cast<double>(after.writes - before.writes));
  state.counters["MB/s"] = benchmark::Counter(
      static_cast<double>(after.bytes_written - before.bytes_written) / 1e6, benchmark::Counter::kIsRate);
  storage.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Persist)->Arg(1)->Arg(16)->Arg(64)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Open of a directory whose snapshot holds `range(0)` MB: dominated by checksumming the whole
// snapshot file (from the page cache here: the file was just written).
void BM_OpenWithSnapshot(benchmark::State& state) {
  const uint64_t bytes = static_cast<uint64_t>(state.range(0)) << 20;
  const std::string dir = FreshDir();
  LeveldbStorageOptions options;
  options.dir = dir;
  options.cluster_id = "bench";
  options.node_id = 1;
  options.create_if_missing = true;
  {
    auto opened = LeveldbStorage::Open(options);
    if (!opened.ok()) {
      state.SkipWithError(opened.status().ToString().c_str());
      return;
    }
    pb::Snapshot snap;
    snap.mutable_metadata()->set_index(1);
    snap.mutable_metadata()->set_term(1);
    snap.set_data(std::string(bytes, 'd'));
    pb::HardState hs;
    hs.set_term(1);
    hs.set_commit(1);
    const Status s = opened.value()->Persist(snap, {}, hs);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
  for (auto _ : state) {
    auto opened = LeveldbStorage::Open(options);
    if (!opened.ok()) {
      state.SkipWithError(opened.status().ToString().c_str());
      break;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_OpenWithSnapshot)->Arg(64)->Arg(256)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace coord::raft

int main(int argc, char** argv) {
  const char* tmp = std::getenv("TMPDIR");
  coord::raft::g_base_dir = tmp != nullptr ? tmp : "/tmp";
  // Our one flag, --dir=..., is taken out before Google Benchmark sees the rest.
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.starts_with("--dir=")) {
      coord::raft::g_base_dir = arg.substr(6);
    } else {
      args.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
