#include "jepsen/harness/runner.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "jepsen/harness/cluster.h"
#include "jepsen/harness/network.h"
#include "jepsen/harness/sessions_workload.h"
#include "jepsen/run_dir.h"

namespace coord::jepsen::harness {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_stop_requested{false};

// One line, rewritten in place on a terminal; a line every 10 s otherwise (CI logs).
class ProgressLine {
 public:
  explicit ProgressLine(bool quiet) : quiet_(quiet), tty_(::isatty(STDERR_FILENO) != 0) {}
  void Show(const std::string& line, bool force = false) {
    if (quiet_) return;
    auto now = std::chrono::steady_clock::now();
    if (tty_) {
      std::fprintf(stderr, "\r\033[K%s", line.c_str());
    } else if (force || now - last_ >= std::chrono::seconds(10)) {
      std::fprintf(stderr, "%s\n", line.c_str());
      last_ = now;
    }
    std::fflush(stderr);
  }
  void Done() {
    if (!quiet_ && tty_) std::fprintf(stderr, "\n");
  }
  void Say(const std::string& line) {
    if (quiet_) return;
    Done();
    std::fprintf(stderr, "%s\n", line.c_str());
  }

 private:
  const bool quiet_;
  const bool tty_;
  std::chrono::steady_clock::time_point last_{};
};

struct WorkloadRun {
  std::unique_ptr<Workload> workload;
  HistoryWriter history;
  WorkloadContext ctx;
};

Status WriteRunInfo(const std::string& path, const Json& info) {
  std::ofstream out(path);
  out << info.dump(2) << "\n";
  return out ? Status::Ok() : Status::IOError("cannot write " + path);
}

}  // namespace

void RequestStop() { g_stop_requested = true; }

raft::Result<RunOutcome> RunJepsen(const RunOptions& options) {
  ProgressLine progress(options.quiet);
  std::error_code ec;
  // A run folder's data dirs and histories must start empty: an old cluster's state would
  // join the new run and old history lines would be checked again.
  if (fs::exists(options.out_dir) && !fs::is_empty(options.out_dir, ec)) {
    if (!options.replace_out_dir) {
      return Status::InvalidArgument(options.out_dir + " is not empty (choose another --out, or --replace)");
    }
    if (!fs::exists(fs::path(options.out_dir) / kRunInfoFile)) {
      return Status::InvalidArgument(options.out_dir + " is not a run folder (no " + kRunInfoFile +
                                     "); --replace deletes only earlier runs");
    }
    fs::remove_all(options.out_dir, ec);
    if (ec) return Status::IOError("cannot remove " + options.out_dir + ": " + ec.message());
  }
  fs::create_directories(options.out_dir, ec);
  if (ec) return Status::IOError("cannot create " + options.out_dir + ": " + ec.message());
  const std::string data_dir = options.out_dir + "/data";
  const std::string log_dir = options.out_dir + "/" + kNodeLogDir;

  std::string why_not;
  auto net = MakeNetwork(options.net_mode, options.nodes, &why_not);
  if (!net.ok()) return net.status();
  std::unique_ptr<Network> network = std::move(*net);
  progress.Say("coord-jepsen: network mode " + network->mode() +
               (why_not.empty() ? "" : " (namespaces not used: " + why_not + ")") + ", seed " +
               std::to_string(options.seed) + ", folder " + options.out_dir);

  Json info = {{"workloads", options.workloads},
               {"faults", Json(std::vector<std::string>(options.faults.begin(), options.faults.end()))},
               {"time_s", options.time.count()},
               {"nodes", options.nodes},
               {"seed", options.seed},
               {"network", network->mode()},
               {"network_fallback_reason", why_not},
               {"unsafe_local_reads", options.unsafe_local_reads},
               {"coordd", options.coordd}};
  (void)WriteRunInfo(options.out_dir + "/" + kRunInfoFile, info);

  ClusterOptions co;
  co.coordd = options.coordd;
  co.data_dir = data_dir;
  co.log_dir = log_dir;
  if (options.unsafe_local_reads) co.extra_flags.push_back("--unsafe-local-reads");
  Cluster cluster(co, network.get());
  // Every return below runs ~Cluster (kills nodes) and ~Network (tears down), in that order.
  Status s = cluster.StartAll(std::chrono::seconds(30));
  if (!s.ok()) return Status::IOError("starting the cluster: " + s.message());

  RunClock clock;
  NemesisLogWriter nemesis_log;
  s = nemesis_log.Open(options.out_dir + "/" + kNemesisLogFile);
  if (!s.ok()) return s;
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<WorkloadRun>> runs;
  for (const std::string& name : options.workloads) {
    auto w = MakeWorkload(name, options.workload);
    if (!w.ok()) return w.status();
    auto run = std::make_unique<WorkloadRun>();
    run->workload = std::move(*w);
    s = run->history.Open(options.out_dir + "/" + HistoryFileName(name));
    if (!s.ok()) return s;
    run->ctx.network = network.get();
    run->ctx.clock = &clock;
    run->ctx.history = &run->history;
    run->ctx.stop = &stop;
    run->ctx.seed = options.seed + runs.size();
    s = run->workload->Setup(run->ctx);
    if (!s.ok()) return Status::IOError(name + " setup: " + s.message());
    runs.push_back(std::move(run));
  }

  NemesisOptions no = options.nemesis;
  no.faults = options.faults;
  no.seed = options.seed;
  Nemesis nemesis(&cluster, network.get(), &clock, &nemesis_log, no);
  std::vector<std::thread> threads;
  for (auto& run : runs) {
    for (int t = 0; t < run->workload->threads(); ++t) {
      threads.emplace_back([&run, t] { run->workload->RunClient(run->ctx, t); });
    }
  }
  nemesis.Start();

  const auto end = std::chrono::steady_clock::now() + options.time;
  auto counts = [&] {
    int64_t ok = 0, fail = 0, info = 0;
    for (auto& run : runs) {
      ok += run->ctx.ok;
      fail += run->ctx.fail;
      info += run->ctx.info;
    }
    char line[256];
    std::snprintf(line, sizeof line, "[%4.0fs/%llds] ok %lld  fail %lld  info %lld  faults %d  now: %s",
                  clock.Seconds(), static_cast<long long>(options.time.count()),
                  static_cast<long long>(ok), static_cast<long long>(fail),
                  static_cast<long long>(info), nemesis.faults_injected(),
                  nemesis.Current().c_str());
    return std::string(line);
  };
  while (std::chrono::steady_clock::now() < end && !g_stop_requested) {
    progress.Show(counts());
    std::this_thread::sleep_for(std::chrono::milliseconds(250));  // the progress line's refresh
  }
  progress.Show(counts(), true);
  progress.Say("healing faults, stopping clients");
  nemesis.Stop();
  stop = true;
  for (auto& t : threads) t.join();
  s = cluster.AwaitReady(std::chrono::seconds(60));
  if (!s.ok()) return Status::IOError("after healing: " + s.message());
  for (auto& run : runs) {
    progress.Say("final reads: " + run->workload->name());
    s = run->workload->Finish(run->ctx);
    if (!s.ok()) return Status::IOError(run->workload->name() + " final reads: " + s.message());
    (void)run->history.Close();
  }
  (void)nemesis_log.Close();
  cluster.StopAll();
  network->Teardown();

  progress.Say("checking");
  auto input = ScanRunDir(options.out_dir);
  if (!input.ok()) return input.status();
  auto results = CheckRun(*input, options.check);
  if (!results.ok()) return results.status();
  s = WriteRunOutputs(*results, options.out_dir);
  if (!s.ok()) return s;
  return RunOutcome{results->verdict(), ResultsToText(*results)};
}

}  // namespace coord::jepsen::harness
