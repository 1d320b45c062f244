#include "tests/raft/simulation/crash_reporter.h"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace coord::raft::sim {

namespace {

struct Active {
  uint64_t seed = 0;
  std::string variant;
  const Trace* trace = nullptr;
};
Active* g_active = nullptr;  // the run in progress, if any

void OnFatalSignal(int sig) {
  // Not async-signal-safe (it formats and allocates), but the process is dying anyway and
  // the report is worth more than the small risk of a hang in this test-only handler.
  if (g_active != nullptr) {
    const std::string cmd = ReplayCommand(g_active->seed, g_active->variant);
    std::fprintf(stderr,
                 "\n==== simulation: process died (signal %d) during seed %llu variant %s ====\n"
                 "replay: %s\n",
                 sig, static_cast<unsigned long long>(g_active->seed), g_active->variant.c_str(),
                 cmd.c_str());
    if (g_active->trace != nullptr) {
      std::fprintf(stderr, "last events:\n%s", g_active->trace->Tail(150).c_str());
    }
    std::fflush(stderr);
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void InstallOnce() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof(sa));
    sa.sa_handler = OnFatalSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(sig, &sa, nullptr);
  }
}

}  // namespace

ActiveRun::ActiveRun(uint64_t seed, const std::string& variant, const Trace* trace) {
  InstallOnce();
  g_active = new Active{seed, variant, trace};
}

ActiveRun::~ActiveRun() {
  delete g_active;
  g_active = nullptr;
}

std::string ReplayCommand(uint64_t seed, const std::string& variant) {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::string binary =
      ec ? std::string("./build/tests/raft/simulation/raft_simulation_test") : exe.string();
  std::string cmd = "COORD_SIM_SEED=" + std::to_string(seed);
  if (variant != "default") cmd += " COORD_SIM_VARIANT=" + variant;
  return cmd + " " + binary + " --gtest_filter='Simulation.ReplaySeed'";
}

}  // namespace coord::raft::sim
