// coord-jepsen-check: checks a Jepsen run of coord again, from its files alone.
//
//   coord-jepsen-check RUN_DIR [options]
//   coord-jepsen-check --history FILE --workload NAME [--nemesis FILE] [--out DIR] [options]
//
// Writes results.json, results.txt and report.html (into the run folder, the history file's
// folder, or --out) and prints the text summary. Exit status: 0 valid, 1 invalid, 2 unknown,
// 3 usage or input error.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "jepsen/run_dir.h"

namespace {

using namespace coord::jepsen;

constexpr char kUsage[] =
    "usage: coord-jepsen-check RUN_DIR [options]\n"
    "       coord-jepsen-check --history FILE --workload NAME [--nemesis FILE] [options]\n"
    "options:\n"
    "  --out DIR               write results.json, results.txt, report.html here\n"
    "                          (default: the run folder, or the history file's folder)\n"
    "  --key-budget SECONDS    linearizability budget per key (default 60)\n"
    "  --total-budget SECONDS  linearizability budget for all keys (default 600)\n"
    "  --expiry-bound-ms MS    sessions: allowed delay past last contact + TTL (default 5000)\n"
    "  --quiet                 do not print the summary\n"
    "workloads: register, set, sessions, watch\n"
    "exit status: 0 valid, 1 invalid, 2 unknown, 3 usage or input error\n";

int Fail(const std::string& message) {
  std::cerr << "coord-jepsen-check: " << message << "\n";
  return 3;
}

bool ParseSeconds(const std::string& text, std::chrono::milliseconds* out) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || v <= 0) return false;
  *out = std::chrono::milliseconds(static_cast<int64_t>(v * 1000));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string run_dir, history, workload, nemesis, out;
  bool quiet = false;
  CheckOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string* into) {
      if (i + 1 >= argc) return false;
      *into = argv[++i];
      return true;
    };
    std::string v;
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--history") {
      if (!value(&history)) return Fail("--history needs a file\n" + std::string(kUsage));
    } else if (arg == "--workload") {
      if (!value(&workload)) return Fail("--workload needs a name");
    } else if (arg == "--nemesis") {
      if (!value(&nemesis)) return Fail("--nemesis needs a file");
    } else if (arg == "--out") {
      if (!value(&out)) return Fail("--out needs a folder");
    } else if (arg == "--key-budget") {
      if (!value(&v) || !ParseSeconds(v, &options.registers.per_key_budget)) {
        return Fail("--key-budget needs a positive number of seconds");
      }
    } else if (arg == "--total-budget") {
      if (!value(&v) || !ParseSeconds(v, &options.registers.total_budget)) {
        return Fail("--total-budget needs a positive number of seconds");
      }
    } else if (arg == "--expiry-bound-ms") {
      char* end = nullptr;
      if (!value(&v)) return Fail("--expiry-bound-ms needs a number");
      long long ms = std::strtoll(v.c_str(), &end, 10);
      if (*end != '\0' || ms < 0) return Fail("--expiry-bound-ms needs a number");
      options.sessions.expiry_bound = std::chrono::milliseconds(ms);
    } else if (arg == "--quiet") {
      quiet = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return Fail("unknown option " + arg + "\n" + kUsage);
    } else if (run_dir.empty()) {
      run_dir = arg;
    } else {
      return Fail("more than one run folder given\n" + std::string(kUsage));
    }
  }

  RunInput input;
  if (!run_dir.empty()) {
    if (!history.empty() || !workload.empty()) return Fail("give a run folder or --history, not both");
    coord::raft::Result<RunInput> scanned = ScanRunDir(run_dir);
    if (!scanned.ok()) return Fail(scanned.status().message());
    input = std::move(scanned.value());
    if (out.empty()) out = run_dir;
  } else if (!history.empty()) {
    if (workload.empty()) return Fail("--history needs --workload");
    if (!IsKnownWorkload(workload)) return Fail("unknown workload \"" + workload + "\"");
    std::filesystem::path p(history);
    input.name = p.filename().string();
    input.histories.push_back({workload, history, p.filename().string()});
    if (!nemesis.empty()) input.nemesis_log = nemesis;
    if (out.empty()) out = p.has_parent_path() ? p.parent_path().string() : ".";
  } else {
    std::cerr << kUsage;
    return 3;
  }

  coord::raft::Result<RunResults> results = CheckRun(input, options);
  if (!results.ok()) return Fail(results.status().message());
  coord::raft::Status written = WriteRunOutputs(results.value(), out);
  if (!written.ok()) return Fail(written.message());
  if (!quiet) {
    std::cout << ResultsToText(results.value());
    std::cout << "\nwrote " << (std::filesystem::path(out) / kReportFile).string() << "\n";
  }
  switch (results->verdict()) {
    case Verdict::kValid: return 0;
    case Verdict::kInvalid: return 1;
    case Verdict::kUnknown: return 2;
  }
  return 3;
}
