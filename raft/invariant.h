// COORD_INVARIANT: stops the process loudly, naming the broken invariant. Used where
// continuing would risk replicas diverging; never for conditions a peer or a client controls.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace coord::raft {

[[noreturn]] inline void InvariantFailed(const char* name, const std::string& detail,
                                         const char* file, int line) {
  std::fprintf(stderr, "FATAL invariant '%s' broken at %s:%d: %s\n", name, file, line,
               detail.c_str());
  std::abort();
}

}  // namespace coord::raft

#define COORD_INVARIANT(cond, name, detail)                                            \
  do {                                                                                 \
    if (!(cond)) ::coord::raft::InvariantFailed(name, (detail), __FILE__, __LINE__);  \
  } while (0)
