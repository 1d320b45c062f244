// RunResults: everything one check of a run concluded, and its two renderings for people and
// tools: results.json (machine-readable, stable field names listed in docs/jepsen.md) and
// results.txt (a short text summary). The HTML report (report.h) draws from the same struct.
//
// Plain data; not synchronized.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "jepsen/check_result.h"
#include "jepsen/history_stats.h"
#include "jepsen/nemesis_log.h"
#include "jepsen/operation.h"

namespace coord::jepsen {

struct WorkloadResult {
  std::string workload;      // "register", "set", "sessions", "watch"
  std::string history_file;  // as given (relative to the run folder when found there)
  std::shared_ptr<const PairedHistory> history;
  HistoryStats stats;
  std::vector<CheckResult> checks;
  std::vector<std::string> warnings;  // from pairing: harness slips that did not stop the check

  Verdict verdict() const;
};

struct RunResults {
  std::string run;       // the run folder's name, or the history file's
  Json run_info;         // run.json when the harness wrote one, else null
  std::vector<WorkloadResult> workloads;
  std::vector<FaultWindow> faults;
  std::vector<std::string> node_logs;  // relative paths, for links

  Verdict verdict() const;  // combined over every check; unknown when there is nothing
};

Json ResultsToJson(const RunResults& results);
std::string ResultsToText(const RunResults& results);

// The JSON for one operation (used by results.json and the report): process, f, key, type,
// input value, output value, error, invoke/complete times and lines.
Json OperationToJson(const PairedHistory& history, const Operation& op);

}  // namespace coord::jepsen
