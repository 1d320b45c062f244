// Runner: one Jepsen run from start to verdict.
//
//   1. the network (namespaces, or the proxy fallback) and a cluster of real coordd processes
//   2. each workload's Setup on the healthy cluster
//   3. `time` of clients and nemesis together, with a progress line
//   4. the nemesis stops and heals everything; the clients stop; the cluster is awaited ready
//   5. each workload's Finish (final reads, final positions)
//   6. the cluster stopped, the network torn down (also on every error path)
//   7. the run folder checked (CheckRun) and its results and report written
// The run folder is the one jepsen/run_dir.h describes, with run.json, nemesis.jsonl and the
// node logs under nodes/.
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "jepsen/harness/nemesis.h"
#include "jepsen/harness/workload.h"
#include "jepsen/workloads.h"

namespace coord::jepsen::harness {

struct RunOptions {
  std::vector<std::string> workloads = {"register"};
  std::set<std::string> faults;
  std::chrono::seconds time{60};
  int nodes = 3;
  uint64_t seed = 0;  // 0: from the clock (printed, so a run can be repeated)
  std::string out_dir;  // must be absent or empty, unless replace_out_dir
  // Deletes out_dir first when it holds an earlier run (a run.json); never any other folder.
  bool replace_out_dir = false;
  std::string coordd;
  std::string net_mode = "auto";
  bool unsafe_local_reads = false;
  bool quiet = false;
  WorkloadOptions workload;
  NemesisOptions nemesis;  // faults and seed are filled from the fields above
  CheckOptions check;
};

struct RunOutcome {
  Verdict verdict = Verdict::kUnknown;
  std::string summary;  // results.txt
};

// Ok with the verdict once the run folder is checked; an error when the run itself could not
// be carried out (no network, a node that would not start, a workload that could not set up).
raft::Result<RunOutcome> RunJepsen(const RunOptions& options);

// Asks a run in progress to wind down early (from a signal handler: only sets a flag).
void RequestStop();

}  // namespace coord::jepsen::harness
