// SimClients: the workload. A few clients send writes (single proposals or batches) and
// linearizable reads to whichever node they believe leads, following NotLeader hints like a
// real client library would. Every write carries a unique command so the checker can tell
// writes apart and detect duplicates.
//
// Thread-safety: none; one per run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "raft/rng.h"
#include "tests/raft/simulation/scenario.h"
#include "tests/raft/simulation/sim_cluster.h"

namespace coord::raft::sim {

class SimClients {
 public:
  SimClients(const RunSpec& spec, Rng* rng, SimCluster* cluster, int clients = 3)
      : spec_(spec), rng_(rng), cluster_(cluster), leader_guess_(clients, 0) {}

  // One client sends one write (or a small batch).
  void Write();
  // One client issues one ReadIndex, at its guessed leader or at a random node.
  void Read();

 private:
  // The node client `c` talks to: its guess if that node is up, otherwise a random up node.
  uint64_t Target(size_t c);
  void Learn(size_t c, const Status& s);
  std::string NextCommand();

  const RunSpec& spec_;
  Rng* rng_;
  SimCluster* cluster_;
  std::vector<uint64_t> leader_guess_;
  uint64_t next_write_ = 1;
  uint64_t next_read_ = 1;
};

}  // namespace coord::raft::sim
