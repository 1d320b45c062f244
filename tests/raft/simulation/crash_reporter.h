// Crash reporter: if the process dies while a simulation run is active (the core's
// COORD_INVARIANT aborts, or a sanitizer or segfault kills it), print which seed was running,
// how to replay it, and the tail of its trace, so no failing seed is ever lost.
//
// ActiveRun marks the run in progress for its lifetime (RAII). Process-global by necessity
// (signal handlers are); simulation runs are single-threaded and never nested.
#pragma once

#include <cstdint>
#include <string>

#include "tests/raft/simulation/trace.h"

namespace coord::raft::sim {

class ActiveRun {
 public:
  ActiveRun(uint64_t seed, const std::string& variant, const Trace* trace);
  ~ActiveRun();
  ActiveRun(const ActiveRun&) = delete;
  ActiveRun& operator=(const ActiveRun&) = delete;
};

// The command line that replays one seed of one variant alone.
std::string ReplayCommand(uint64_t seed, const std::string& variant);

}  // namespace coord::raft::sim
