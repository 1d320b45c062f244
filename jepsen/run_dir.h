// The run folder: what a Jepsen run of coord leaves on disk, and how to check it again.
//
//   <run>/run.json                   optional, written by the harness: anything describing the
//                                    run (nodes, seed, duration, nemesis schedule); shown as is
//   <run>/history.<workload>.jsonl   one history per workload (history.register.jsonl, ...)
//   <run>/nemesis.jsonl              optional: fault windows (nemesis_log.h)
//   <run>/nodes/*                    optional: each node's log, linked from the report
//   <run>/results.json, results.txt, report.html   written by WriteRunOutputs
//
// The cluster harness writes the first four while it runs, then calls CheckRun and
// WriteRunOutputs; coord-jepsen-check does the same for an existing folder. Not thread-safe:
// one call at a time per folder.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "jepsen/results.h"
#include "jepsen/workloads.h"

namespace coord::jepsen {

inline constexpr char kRunInfoFile[] = "run.json";
inline constexpr char kNemesisLogFile[] = "nemesis.jsonl";
inline constexpr char kNodeLogDir[] = "nodes";
inline constexpr char kResultsJsonFile[] = "results.json";
inline constexpr char kResultsTextFile[] = "results.txt";
inline constexpr char kReportFile[] = "report.html";

// "history.<workload>.jsonl".
std::string HistoryFileName(const std::string& workload);

struct RunInput {
  std::string name;  // shown in the report
  struct HistoryInput {
    std::string workload;
    std::string path;     // to open
    std::string display;  // to show (relative to the run folder when inside it)
  };
  std::vector<HistoryInput> histories;
  std::optional<std::string> nemesis_log;
  std::vector<std::string> node_logs;  // relative to the run folder
  Json run_info;                       // null when there is no run.json
};

// Finds the files of a run folder. InvalidArgument if it holds no history file or one named
// for an unknown workload; IOError if it cannot be read; a malformed run.json is InvalidArgument.
Result<RunInput> ScanRunDir(const std::string& dir);

// Reads, pairs and checks every history (and the nemesis log). A history that cannot be read or
// does not fit its workload's format is an error: fix the harness, do not trust a half-check.
Result<RunResults> CheckRun(const RunInput& input, const CheckOptions& options);

// Writes results.json, results.txt and report.html into `out_dir` (created if missing).
Status WriteRunOutputs(const RunResults& results, const std::string& out_dir);

}  // namespace coord::jepsen
