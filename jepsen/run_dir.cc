#include "jepsen/run_dir.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "jepsen/report.h"

namespace coord::jepsen {

namespace fs = std::filesystem;

namespace {

Status WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IOError(path.string() + ": write failed");
  return Status::Ok();
}

}  // namespace

std::string HistoryFileName(const std::string& workload) {
  return "history." + workload + ".jsonl";
}

Result<RunInput> ScanRunDir(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::IOError(dir + ": not a directory");
  RunInput input;
  input.name = fs::path(dir).lexically_normal().filename().string();
  if (input.name.empty()) input.name = fs::path(dir).lexically_normal().parent_path().filename();
  std::vector<fs::path> entries;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) entries.push_back(e.path());
  if (ec) return Status::IOError(dir + ": " + ec.message());
  std::sort(entries.begin(), entries.end());
  for (const fs::path& p : entries) {
    std::string name = p.filename().string();
    const std::string prefix = "history.", suffix = ".jsonl";
    if (name.size() > prefix.size() + suffix.size() && name.starts_with(prefix) &&
        name.ends_with(suffix)) {
      std::string workload = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
      if (!IsKnownWorkload(workload)) {
        return Status::InvalidArgument(p.string() + ": unknown workload \"" + workload + "\"");
      }
      input.histories.push_back({workload, p.string(), name});
    } else if (name == kNemesisLogFile) {
      input.nemesis_log = p.string();
    } else if (name == kRunInfoFile) {
      std::ifstream in(p);
      input.run_info = Json::parse(in, nullptr, /*allow_exceptions=*/false);
      if (input.run_info.is_discarded()) {
        return Status::InvalidArgument(p.string() + ": not valid JSON");
      }
    } else if (name == kNodeLogDir && fs::is_directory(p, ec)) {
      for (const fs::directory_entry& log : fs::directory_iterator(p, ec)) {
        if (log.is_regular_file()) {
          input.node_logs.push_back((fs::path(kNodeLogDir) / log.path().filename()).string());
        }
      }
      std::sort(input.node_logs.begin(), input.node_logs.end());
    }
  }
  if (input.histories.empty()) {
    return Status::InvalidArgument(dir + ": no history.<workload>.jsonl file");
  }
  return input;
}

Result<RunResults> CheckRun(const RunInput& input, const CheckOptions& options) {
  RunResults results;
  results.run = input.name;
  results.run_info = input.run_info;
  results.node_logs = input.node_logs;
  if (input.nemesis_log) {
    Result<std::vector<FaultEvent>> events = ReadNemesisLogFile(*input.nemesis_log);
    if (!events.ok()) return events.status();
    Result<std::vector<FaultWindow>> windows = FaultWindows(*events);
    if (!windows.ok()) return Status::InvalidArgument(*input.nemesis_log + ": " + windows.status().message());
    results.faults = std::move(windows.value());
  }
  for (const RunInput::HistoryInput& h : input.histories) {
    Result<History> history = ReadHistoryFile(h.path);
    if (!history.ok()) return history.status();
    Result<PairedHistory> paired = PairHistory(std::move(history.value()));
    if (!paired.ok()) return Status::InvalidArgument(h.path + ": " + paired.status().message());
    WorkloadResult w;
    w.workload = h.workload;
    w.history_file = h.display;
    w.history = std::make_shared<const PairedHistory>(std::move(paired.value()));
    w.stats = ComputeHistoryStats(*w.history);
    w.warnings = w.history->warnings;
    Result<std::vector<CheckResult>> checks =
        CheckWorkload(h.workload, *w.history, results.faults, options);
    if (!checks.ok()) return Status::InvalidArgument(h.path + ": " + checks.status().message());
    w.checks = std::move(checks.value());
    results.workloads.push_back(std::move(w));
  }
  return results;
}

Status WriteRunOutputs(const RunResults& results, const std::string& out_dir) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return Status::IOError(out_dir + ": " + ec.message());
  fs::path dir(out_dir);
  Status s = WriteFile(dir / kResultsJsonFile, ResultsToJson(results).dump(2) + "\n");
  if (s.ok()) s = WriteFile(dir / kResultsTextFile, ResultsToText(results));
  if (s.ok()) s = WriteFile(dir / kReportFile, RenderReport(results));
  return s;
}

}  // namespace coord::jepsen
