// coord-jepsen: runs workloads against a real faulty coord cluster and checks what the
// clients saw (see docs/jepsen.md; jepsen/run is the wrapper that builds it first).
//
//   coord-jepsen --workload register --nemesis partition,kill --time 300
//
// Exit status: 0 valid, 1 invalid, 2 unknown, 3 usage error or a run that could not be
// carried out. With --expect-invalid (the bite tests) 0 and 1 swap.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>

#include "jepsen/harness/runner.h"

namespace {

using namespace coord::jepsen;
using namespace coord::jepsen::harness;

constexpr char kUsage[] =
    "usage: coord-jepsen [options]\n"
    "  --workload LIST       register,set,sessions,watch (or all); default register\n"
    "  --nemesis LIST        kill,pause,partition,clock, all or none; default all\n"
    "  --time SECONDS        how long clients and faults run (default 60)\n"
    "  --nodes N             3 or 5 (default 3)\n"
    "  --seed N              schedule and client seed (default: from the clock)\n"
    "  --out DIR             the run folder (default jepsen-runs/<time>-<workloads>)\n"
    "  --replace             reuse --out DIR when it holds an earlier run (deleted first)\n"
    "  --coordd PATH         the coordd binary (default: next to this program)\n"
    "  --net MODE            auto (namespaces if permitted, else proxy), netns or proxy\n"
    "  --threads N           client threads per workload (default: the workload's)\n"
    "  --calm-ms LO,HI       quiet time between faults (default 1000,3000)\n"
    "  --hold-ms LO,HI       how long a fault lasts (default 2000,6000)\n"
    "  --unsafe-local-reads  TEST ONLY: run coordd with its stale-read bug switched on\n"
    "  --expect-invalid      exit 0 only if the checkers find a violation (bite tests)\n"
    "  --key-budget SECONDS  linearizability budget per key (default 60)\n"
    "  --quiet               no progress line, no summary\n";

int Usage(const std::string& message) {
  std::cerr << "coord-jepsen: " << message << "\n" << kUsage;
  return 3;
}

bool ParseRange(const std::string& text, std::chrono::milliseconds* lo,
                std::chrono::milliseconds* hi) {
  long long a = 0, b = 0;
  char comma = 0;
  std::istringstream in(text);
  if (!(in >> a >> comma >> b) || comma != ',' || a < 0 || b < a) return false;
  *lo = std::chrono::milliseconds(a);
  *hi = std::chrono::milliseconds(b);
  return true;
}

bool ParseInt(const std::string& text, long long lo, long long hi, long long* out) {
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < lo || v > hi) return false;
  *out = v;
  return true;
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(item);
  return out;
}

void OnSignal(int) { RequestStop(); }

}  // namespace

int main(int argc, char** argv) {
  RunOptions o;
  std::string workloads = "register", nemesis = "all";
  bool expect_invalid = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    std::string v;
    auto value = [&]() {
      if (i + 1 >= argc) return false;
      v = argv[++i];
      return true;
    };
    long long n = 0;
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--workload") {
      if (!value()) return Usage("--workload needs a list");
      workloads = v;
    } else if (arg == "--nemesis") {
      if (!value()) return Usage("--nemesis needs a list");
      nemesis = v;
    } else if (arg == "--time") {
      if (!value() || !ParseInt(v, 1, 86400, &n)) return Usage("--time needs seconds (1..86400)");
      o.time = std::chrono::seconds(n);
    } else if (arg == "--nodes") {
      if (!value() || !ParseInt(v, 3, 5, &n) || n == 4) return Usage("--nodes must be 3 or 5");
      o.nodes = static_cast<int>(n);
    } else if (arg == "--seed") {
      if (!value() || !ParseInt(v, 1, INT64_MAX, &n)) return Usage("--seed needs a positive integer");
      o.seed = static_cast<uint64_t>(n);
    } else if (arg == "--out") {
      if (!value()) return Usage("--out needs a folder");
      o.out_dir = v;
    } else if (arg == "--replace") {
      o.replace_out_dir = true;
    } else if (arg == "--coordd") {
      if (!value()) return Usage("--coordd needs a path");
      o.coordd = v;
    } else if (arg == "--net") {
      if (!value()) return Usage("--net needs auto, netns or proxy");
      o.net_mode = v;
    } else if (arg == "--threads") {
      if (!value() || !ParseInt(v, 1, 200, &n)) return Usage("--threads needs 1..200");
      o.workload.threads = static_cast<int>(n);
    } else if (arg == "--calm-ms") {
      if (!value() || !ParseRange(v, &o.nemesis.calm_min, &o.nemesis.calm_max)) {
        return Usage("--calm-ms needs LO,HI");
      }
    } else if (arg == "--hold-ms") {
      if (!value() || !ParseRange(v, &o.nemesis.hold_min, &o.nemesis.hold_max)) {
        return Usage("--hold-ms needs LO,HI");
      }
    } else if (arg == "--key-budget") {
      if (!value() || !ParseInt(v, 1, 86400, &n)) return Usage("--key-budget needs seconds");
      o.check.registers.per_key_budget = std::chrono::seconds(n);
    } else if (arg == "--unsafe-local-reads") {
      o.unsafe_local_reads = true;
    } else if (arg == "--expect-invalid") {
      expect_invalid = true;
    } else if (arg == "--quiet") {
      o.quiet = true;
    } else {
      return Usage("unknown option " + arg);
    }
  }
  if (workloads == "all") workloads = "register,set,sessions,watch";
  o.workloads = Split(workloads);
  for (const std::string& w : o.workloads) {
    if (!IsKnownWorkload(w)) return Usage("unknown workload \"" + w + "\"");
  }
  auto faults = ParseFaults(nemesis);
  if (!faults.ok()) return Usage(faults.status().message());
  o.faults = *faults;
  if (o.seed == 0) o.seed = static_cast<uint64_t>(std::time(nullptr));
  if (o.coordd.empty()) {
    // Built next to us: build/jepsen/harness/coord-jepsen and build/api/coordd/coordd.
    std::filesystem::path self = std::filesystem::canonical("/proc/self/exe");
    o.coordd = (self.parent_path() / "../../api/coordd/coordd").lexically_normal().string();
  }
  if (!std::filesystem::exists(o.coordd)) return Usage("no coordd at " + o.coordd + " (use --coordd)");
  if (o.out_dir.empty()) {
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    std::string name = workloads;
    for (char& c : name) {
      if (c == ',') c = '+';
    }
    o.out_dir = std::string("jepsen-runs/") + stamp + "-" + name;
  }

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  auto outcome = RunJepsen(o);
  if (!outcome.ok()) {
    std::cerr << "coord-jepsen: run failed: " << outcome.status().message() << "\n";
    return 3;
  }
  if (!o.quiet) {
    std::cout << outcome->summary << "\nrun folder: " << o.out_dir << " (report.html)\n";
  }
  const bool invalid = outcome->verdict == Verdict::kInvalid;
  if (expect_invalid) {
    if (!o.quiet) std::cout << (invalid ? "bite: the checker caught the injected bug\n"
                                        : "bite: the checker did NOT catch the injected bug\n");
    return invalid ? 0 : 1;
  }
  switch (outcome->verdict) {
    case Verdict::kValid: return 0;
    case Verdict::kInvalid: return 1;
    case Verdict::kUnknown: return 2;
  }
  return 3;
}
