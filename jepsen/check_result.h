// CheckResult: what a checker concludes about one history, in a shape the results summary and
// the HTML report share.
//
// A verdict is three-valued on purpose: `unknown` (a budget ran out, or the history lacks the
// reads needed to decide) is never a pass. Plain data; not synchronized.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "jepsen/jsonl.h"

namespace coord::jepsen {

enum class Verdict { kValid, kInvalid, kUnknown };

inline const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kValid: return "valid";
    case Verdict::kInvalid: return "invalid";
    case Verdict::kUnknown: return "unknown";
  }
  return "?";
}

// The verdict of two checks together: invalid beats unknown beats valid.
inline Verdict Combine(Verdict a, Verdict b) {
  if (a == Verdict::kInvalid || b == Verdict::kInvalid) return Verdict::kInvalid;
  if (a == Verdict::kUnknown || b == Verdict::kUnknown) return Verdict::kUnknown;
  return Verdict::kValid;
}

// One violation, with what the report needs to draw its timeline.
struct Anomaly {
  std::string kind;     // e.g. "nonlinearizable", "lost-add", "watch-gap" (docs/jepsen.md lists them)
  std::string key;      // what it is about: register key, element, session id, watcher process
  std::string message;  // one or two sentences for a human
  std::vector<size_t> ops;       // Operation::index of every operation involved, in invoke order
  std::vector<size_t> culprits;  // the subset to highlight: the ops that could not be explained
};

struct CheckResult {
  std::string checker;  // "linearizable", "set", "sessions", "watch"
  Verdict verdict = Verdict::kValid;
  std::string message;  // one line: why this verdict
  Json details = Json::object();  // checker-specific figures (per-key search stats, counts)
  std::vector<Anomaly> anomalies;  // at most kMaxAnomalies; details["anomalies_total"] counts all
  double elapsed_ms = 0;
};

// Beyond this many anomalies a checker only counts them: the first ones are the useful ones and
// a report with 10^4 timelines helps nobody.
inline constexpr size_t kMaxAnomalies = 50;

}  // namespace coord::jepsen
