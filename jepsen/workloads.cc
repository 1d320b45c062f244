#include "jepsen/workloads.h"

#include <algorithm>

#include "jepsen/set_checker.h"
#include "jepsen/watch_checker.h"

namespace coord::jepsen {

const std::vector<std::string>& KnownWorkloads() {
  static const std::vector<std::string> kNames = {"register", "set", "sessions", "watch"};
  return kNames;
}

bool IsKnownWorkload(const std::string& workload) {
  const auto& names = KnownWorkloads();
  return std::find(names.begin(), names.end(), workload) != names.end();
}

Result<std::vector<CheckResult>> CheckWorkload(const std::string& workload,
                                               const PairedHistory& history,
                                               const std::vector<FaultWindow>& faults,
                                               const CheckOptions& options) {
  Result<CheckResult> r = Status::InvalidArgument("unknown workload \"" + workload + "\"");
  if (workload == "register") r = CheckRegisterHistory(history, options.registers);
  else if (workload == "set") r = CheckSetHistory(history);
  else if (workload == "sessions") r = CheckSessionHistory(history, faults, options.sessions);
  else if (workload == "watch") r = CheckWatchHistory(history);
  if (!r.ok()) return r.status();
  return std::vector<CheckResult>{std::move(r.value())};
}

}  // namespace coord::jepsen
