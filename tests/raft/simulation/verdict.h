// Verdict: where every check of a simulation run reports a broken invariant.
//
// The first violation is kept (later ones are usually consequences of it) and the run stops
// at the end of the step that produced it. The violation is also written into the trace so
// it appears in context.
//
// Thread-safety: none; one per run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tests/raft/simulation/trace.h"

namespace coord::raft::sim {

struct Violation {
  std::string invariant;  // short stable name, e.g. "election-safety"
  std::string detail;
  uint64_t step = 0;
};

class Verdict {
 public:
  explicit Verdict(Trace* trace) : trace_(trace) {}

  void Fail(std::string invariant, std::string detail) {
    trace_->Record(EventKind::kViolation, 0, 0, 0, invariant + ": " + detail);
    if (!violation_) violation_ = Violation{std::move(invariant), std::move(detail), trace_->step()};
  }
  bool failed() const { return violation_.has_value(); }
  const std::optional<Violation>& violation() const { return violation_; }

 private:
  Trace* trace_;
  std::optional<Violation> violation_;
};

}  // namespace coord::raft::sim
