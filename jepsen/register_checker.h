// The register workload's checker: is every key's history linearizable?
//
// Reads the register operations of a paired history (f = read / write / cas, format in
// history-format.md), splits them by key and runs CheckRegisterLinearizable on each key, in key
// order, each within its own time budget and all within an overall one. How outcomes are read:
//   ok        happened, between invoke and completion;
//   fail      did not happen, and is dropped — except a cas failing with error "mismatch", which
//             is kept as an observation "the value was not `expected`";
//   info/open may have happened at any time after the invoke, or never (reads: dropped).
//
// The verdict is invalid if any key is, else unknown if any key ran out of budget (or was not
// reached before the overall budget ran out), else valid. Pure; single-threaded.
#pragma once

#include <chrono>
#include <cstdint>

#include "jepsen/check_result.h"
#include "jepsen/operation.h"

namespace coord::jepsen {

struct RegisterCheckOptions {
  std::chrono::milliseconds per_key_budget{60'000};
  std::chrono::milliseconds total_budget{600'000};
  uint64_t max_steps_per_key = 0;      // 0: no step limit (tests use it for determinism)
  size_t max_memory_per_key = size_t{2} << 30;
};

// InvalidArgument (naming the line) for a record that is not a register operation: an unknown
// `f`, a missing key, a write value that is not an integer, a cas value that is not
// [expected, new], an ok read whose value is neither an integer nor null.
Result<CheckResult> CheckRegisterHistory(const PairedHistory& history,
                                         const RegisterCheckOptions& options = {});

}  // namespace coord::jepsen
