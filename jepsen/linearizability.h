// Linearizability of one register: Wing & Gong's search with Lowe's just-in-time linearization
// and memoization, as in Knossos and Porcupine.
//
// Given the operations of ONE key (callers split a history by key: registers are independent, so
// the history is linearizable iff each key's is — P-compositionality), decide whether some total
// order of them (a) respects real time: an op that returned before another was called comes
// first, and (b) is a legal sequential register history starting from "absent".
//
// The search walks the invoke/return entries in time order and, at each call entry, tries to
// linearize that operation now; a return entry of an operation not yet linearized forces a
// backtrack. Each explored configuration (set of linearized ops, register value) is remembered,
// so a configuration reached along two paths is explored once. Worst case exponential (the
// problem is NP-complete); with bounded concurrency it is close to linear in the ops, times the
// number of pending indeterminate ops (they stay candidates to the end) — one more reason to
// retire a key after a few thousand operations.
//
// Indeterminate (`info`) writes and cas may take effect at any time after their call, or never:
// they get no return entry, so nothing ever forces them. Shortcuts, each checked against a
// brute-force oracle in tests/jepsen/linearizability_test.cc:
//  * a read (or cas) of a value nobody had been called to write is reported at once;
//  * an indeterminate op that is the only producer of a value a determinate op observed
//    certainly happened, before that observer returned: it becomes determinate;
//  * values nobody observes are merged into one (they behave alike), and identical pending
//    indeterminate ops are tried only in call order, so k of them cost k, not 2^k or k!.
//
// Budget exhaustion gives Verdict::kUnknown, never kValid. Pure and single-threaded; safe to run
// on different keys from different threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jepsen/check_result.h"

namespace coord::jepsen {

struct RegisterOp {
  enum class Kind {
    kRead,         // `value` is what it returned (nullopt: the key was absent)
    kWrite,        // writes `value`
    kCas,          // if current == `value` then current = `new_value`
    kCasMismatch,  // a cas that failed with "mismatch": observed current != `value`
  };
  Kind kind = Kind::kRead;
  std::optional<int64_t> value;
  std::optional<int64_t> new_value;  // kCas only
  // May or may not have taken effect, at any time after `call` (an `info` write or cas). An
  // indeterminate read or mismatch constrains nothing and is ignored.
  bool indeterminate = false;
  int64_t call = 0;
  int64_t ret = 0;  // ignored when indeterminate
  size_t id = 0;    // the caller's name for it (Operation::index), echoed in the result
};

// How much the search may spend. Each limit is off when zero / unset.
struct Budget {
  std::optional<std::chrono::steady_clock::time_point> deadline;
  uint64_t max_steps = 0;          // search iterations
  size_t max_memory_bytes = 0;     // memo table size, approximately
};

struct LinearizabilityResult {
  Verdict verdict = Verdict::kValid;
  std::string reason;        // why invalid or unknown; empty when valid
  uint64_t steps = 0;        // search iterations
  size_t configurations = 0;  // memoized (linearized set, value) pairs
  size_t memory_bytes = 0;
  // When invalid: the op no partial linearization could get past (the one whose return entry
  // the deepest search branch was stuck at), the time of that return, and the ops a human needs
  // to see: the culprit, the ops concurrent with it, and the latest writes before it. Ids are
  // RegisterOp::id, ordered by call time.
  std::optional<size_t> culprit;
  int64_t failed_at = 0;
  std::vector<size_t> involved;
  size_t max_linearized = 0;  // the most ops any partial linearization placed
};

LinearizabilityResult CheckRegisterLinearizable(std::vector<RegisterOp> ops, const Budget& budget);

}  // namespace coord::jepsen
