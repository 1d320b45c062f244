// Running a helper command (iproute2's `ip`) and capturing what it printed.
#pragma once

#include <string>
#include <vector>

#include "raft/status.h"

namespace coord::jepsen::harness {

// Runs argv (argv[0] is looked up in PATH) with stdin from /dev/null and waits. Ok with its
// stdout when it exits 0; otherwise an IOError with the command line and its stderr.
raft::Result<std::string> RunCommand(const std::vector<std::string>& argv);

}  // namespace coord::jepsen::harness
