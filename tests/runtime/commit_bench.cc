// raft_commit_bench: committed writes per second, commit latency and fsyncs per committed
// write for 3 local replicas (real leveldb with synced writes in temporary directories, real
// TCP on loopback, one process), at several numbers of concurrent proposers.
//
//   raft_commit_bench [--seconds 5] [--concurrency 1,16,64] [--value-bytes 100]
//
// Each proposer proposes through the leader and waits until its entry is applied there
// (RaftNode::Propose's completion), then proposes the next. Exit status 1 if a proposal
// failed or nothing committed, so the smoke run in ctest checks the accounting.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/runtime/local_cluster.h"

namespace {

using Clock = std::chrono::steady_clock;
using coord::raft::testing::LocalCluster;

struct Row {
  int proposers = 0;
  uint64_t commits = 0;
  uint64_t failures = 0;
  double seconds = 0;
  double p50_ms = 0, p99_ms = 0;
  double leader_synced_per_write = 0;  // synced leveldb batches on the leader per commit
  double fsyncs_per_write = 0;         // every fsync on all three replicas per commit
};

double Percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

Row Run(int proposers, double seconds, size_t value_bytes) {
  LocalCluster cluster(3);
  const uint64_t leader = cluster.AwaitLeader();
  if (leader == 0) {
    std::fprintf(stderr, "no leader\n");
    std::exit(1);
  }
  // Warm up: the first entries of a term, connections, leveldb's first files.
  for (int i = 0; i < 20; ++i) (void)cluster.Put(leader, "warm" + std::to_string(i), "v");

  auto fsyncs = [&] {
    uint64_t sum = 0;
    for (uint64_t id : {1, 2, 3}) sum += cluster.replica(id).storage->stats().fsyncs;
    return sum;
  };
  const uint64_t leader_writes_before = cluster.replica(leader).storage->stats().synced_writes;
  const uint64_t fsyncs_before = fsyncs();

  const std::string value(value_bytes, 'v');
  std::mutex mu;
  std::vector<double> latencies;
  std::atomic<uint64_t> commits{0}, failures{0};
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int t = 0; t < proposers; ++t) {
    threads.emplace_back([&, t] {
      std::vector<double> mine;
      for (uint64_t i = 0; Clock::now() < deadline; ++i) {
        const auto begin = Clock::now();
        if (cluster.Put(leader, "k" + std::to_string(t) + "-" + std::to_string(i), value).ok()) {
          mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
          ++commits;
        } else {
          ++failures;
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& th : threads) th.join();
  Row row;
  row.proposers = proposers;
  row.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  row.commits = commits.load();
  row.failures = failures.load();
  row.p50_ms = Percentile(latencies, 0.50);
  row.p99_ms = Percentile(latencies, 0.99);
  const double n = std::max<double>(1, static_cast<double>(row.commits));
  row.leader_synced_per_write =
      static_cast<double>(cluster.replica(leader).storage->stats().synced_writes - leader_writes_before) / n;
  row.fsyncs_per_write = static_cast<double>(fsyncs() - fsyncs_before) / n;
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5;
  size_t value_bytes = 100;
  std::vector<int> levels = {1, 16, 64};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--seconds") seconds = std::atof(argv[i + 1]);
    if (flag == "--value-bytes") value_bytes = static_cast<size_t>(std::atoi(argv[i + 1]));
    if (flag == "--concurrency") {
      levels.clear();
      std::stringstream in(argv[i + 1]);
      for (std::string part; std::getline(in, part, ',');) levels.push_back(std::atoi(part.c_str()));
    }
  }
  std::printf("3 replicas in one process, leveldb (synced writes), TCP loopback; %zu-byte values, %.1f s per level\n",
              value_bytes, seconds);
  std::printf("%10s %12s %10s %10s %10s %22s %22s\n", "proposers", "commits", "writes/s", "p50 ms",
              "p99 ms", "leader synced/write", "fsyncs(all)/write");
  bool ok = true;
  for (int level : levels) {
    const Row r = Run(level, seconds, value_bytes);
    std::printf("%10d %12llu %10.0f %10.2f %10.2f %22.3f %22.3f\n", r.proposers,
                static_cast<unsigned long long>(r.commits), static_cast<double>(r.commits) / r.seconds,
                r.p50_ms, r.p99_ms, r.leader_synced_per_write, r.fsyncs_per_write);
    std::fflush(stdout);
    if (r.failures != 0 || r.commits == 0 || r.leader_synced_per_write <= 0) {
      std::fprintf(stderr, "level %d: %llu failed proposals, %llu commits\n", level,
                   static_cast<unsigned long long>(r.failures), static_cast<unsigned long long>(r.commits));
      ok = false;
    }
  }
  return ok ? 0 : 1;
}
