// Throughput of the Raft core alone: a 3-node in-memory cluster (MemoryStorage, in-process
// delivery) committing proposals. Measures the protocol's CPU cost, not disk or network.
//
//   ./build/release/tests/raft/raft_core_bench
//
// "items_per_second" is entries committed (and applied on every node) per second.
#include <benchmark/benchmark.h>

#include "tests/raft/test_network.h"

namespace coord::raft {
namespace {

using testing::TestNetwork;

std::unique_ptr<TestNetwork> ElectedCluster() {
  auto net = std::make_unique<TestNetwork>(std::vector<uint64_t>{1, 2, 3}, [](Config& c) {
    c.pre_vote = true;
    c.check_quorum = true;
  });
  net->record_delivered = false;
  net->Elect(1);
  return net;
}

// Keeps the applied vectors (which the harness fills) from growing without bound.
void TrimApplied(TestNetwork& net) {
  for (uint64_t id : {1, 2, 3}) net.state(id).applied.clear();
}

// Compacts every node's log behind its applied index so memory stays flat over long runs.
void Compact(TestNetwork& net) {
  for (uint64_t id : {1, 2, 3}) {
    StatusView st = net.node(id).GetStatus();
    MemoryStorage& s = net.storage(id);
    if (st.applied <= s.FirstIndex() + 1000) continue;
    (void)s.CreateSnapshot(st.applied, st.conf_state, "");
    (void)s.Compact(st.applied);
  }
}

void BM_CommitOneAtATime(benchmark::State& state) {
  auto net = ElectedCluster();
  const std::string payload(state.range(0), 'x');
  int64_t committed = 0;
  for (auto _ : state) {
    auto p = net->node(1).Propose(payload);
    if (!p.ok()) state.SkipWithError("propose failed");
    net->Stabilize();
    ++committed;
    if (committed % 1024 == 0) {
      TrimApplied(*net);
      Compact(*net);
    }
  }
  if (net->node(3).GetStatus().commit < static_cast<uint64_t>(committed)) {
    state.SkipWithError("not everything committed");
  }
  state.SetItemsProcessed(committed);
}
BENCHMARK(BM_CommitOneAtATime)->Arg(100)->Unit(benchmark::kMicrosecond);

void BM_CommitBatched(benchmark::State& state) {
  auto net = ElectedCluster();
  const std::string payload(100, 'x');
  const int batch = static_cast<int>(state.range(0));
  int64_t committed = 0;
  for (auto _ : state) {
    std::vector<std::string> commands(batch, payload);
    if (!net->node(1).ProposeBatch(std::move(commands)).ok()) state.SkipWithError("propose failed");
    net->Stabilize();
    committed += batch;
    TrimApplied(*net);
    Compact(*net);
  }
  state.SetItemsProcessed(committed);
}
BENCHMARK(BM_CommitBatched)->Arg(16)->Arg(64)->Arg(256)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace coord::raft

BENCHMARK_MAIN();
