// Which checkers judge which workload. The one place a workload name maps to checkers, so the
// command-line tool and the future cluster harness agree. Pure.
#pragma once

#include <string>
#include <vector>

#include "jepsen/check_result.h"
#include "jepsen/nemesis_log.h"
#include "jepsen/operation.h"
#include "jepsen/register_checker.h"
#include "jepsen/session_checker.h"

namespace coord::jepsen {

struct CheckOptions {
  RegisterCheckOptions registers;
  SessionCheckOptions sessions;
};

// "register", "set", "sessions", "watch".
const std::vector<std::string>& KnownWorkloads();
bool IsKnownWorkload(const std::string& workload);

// Runs the workload's checkers. InvalidArgument for an unknown workload or a history that does
// not fit the workload's format.
Result<std::vector<CheckResult>> CheckWorkload(const std::string& workload,
                                               const PairedHistory& history,
                                               const std::vector<FaultWindow>& faults,
                                               const CheckOptions& options);

}  // namespace coord::jepsen
