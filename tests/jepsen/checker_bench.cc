// Timing printout: the register checker on large valid histories of a simulated linearizable
// register (tests/jepsen/register_sim.h). Prints figures; asserts only that the verdict is
// valid. docs/jepsen.md records the numbers.
//
//   jepsen_check_bench [ops=50000] [keys=5] [processes=10] [info_rate=0.02]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "jepsen/history.h"
#include "jepsen/register_checker.h"
#include "tests/jepsen/register_sim.h"

namespace {

using namespace coord::jepsen;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

int Run(testing::SimOptions o, const char* label) {
  History h = testing::SimulateRegisterHistory(o);
  std::string path = (std::filesystem::temp_directory_path() / "jepsen_bench.jsonl").string();
  HistoryWriter w;
  if (!w.Open(path).ok()) return 1;
  auto t0 = Clock::now();
  for (const Op& op : h) (void)w.Append(op);
  (void)w.Close();
  auto t1 = Clock::now();
  Result<History> read = ReadHistoryFile(path);
  auto t2 = Clock::now();
  if (!read.ok()) {
    std::fprintf(stderr, "%s\n", read.status().ToString().c_str());
    return 1;
  }
  size_t records = read->size();
  Result<PairedHistory> paired = PairHistory(std::move(read.value()));
  auto t3 = Clock::now();
  if (!paired.ok()) return 1;
  Result<CheckResult> r = CheckRegisterHistory(paired.value());
  auto t4 = Clock::now();
  if (!r.ok()) return 1;
  size_t info = 0;
  double busy = 0;  // sum of op durations: divided by the span, the mean ops in flight
  for (const Operation& op : paired->operations) {
    info += op.type == OpType::kInfo;
    busy += static_cast<double>(op.end_time_or(paired->end_time) - op.invoke_time);
  }
  double span = static_cast<double>(paired->end_time - paired->start_time);
  std::printf("%s: %zu ops (%zu records, %zu info) over %d keys, %d processes, %s values\n", label,
              paired->operations.size(), records, info, o.keys, o.processes,
              o.unique_values ? "unique" : "5 distinct");
  std::printf("  mean operations in flight: %.1f overall, %.1f per key\n", busy / span,
              busy / span / o.keys);
  std::printf("  write %.0f ms, read+parse %.0f ms, pair %.0f ms, check %.0f ms -> %s\n", Ms(t1 - t0),
              Ms(t2 - t1), Ms(t3 - t2), Ms(t4 - t3), VerdictName(r->verdict));
  for (auto it = r->details["keys"].begin(); it != r->details["keys"].end(); ++it) {
    const Json& k = it.value();
    std::printf("    key %-4s %6zu ops %9llu steps %8zu configurations %8.1f ms %s\n",
                it.key().c_str(), k["ops"].get<size_t>(),
                static_cast<unsigned long long>(k["steps"].get<uint64_t>()),
                k["configurations"].get<size_t>(), k["ms"].get<double>(),
                k.value("reason", std::string()).c_str());
  }
  std::filesystem::remove(path);
  return r->verdict == Verdict::kValid ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  testing::SimOptions o;
  o.seed = 7;
  o.ops = argc > 1 ? std::atoi(argv[1]) : 50'000;
  o.keys = argc > 2 ? std::atoi(argv[2]) : 5;
  o.processes = argc > 3 ? std::atoi(argv[3]) : 10;
  o.info_rate = argc > 4 ? std::atof(argv[4]) : 0.02;
  int rc = Run(o, "unique values");
  o.unique_values = false;
  rc |= Run(o, "small value domain");
  return rc;
}
