// ChildProcess: a process the harness started (a coordd), optionally inside a network
// namespace, with its output appended to a log file.
//
// Kill, Stop and Continue send signals; Wait reaps. The destructor kills and reaps whatever is
// still running, so no path out of the harness leaves a stray process. Not thread-safe: the
// cluster serialises access to each node.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "raft/status.h"

namespace coord::jepsen::harness {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts argv[0] (a path) with `args`, stdout and stderr appended to `log_path`. With
  // `netns_path` (/run/netns/<name>) the child enters that network namespace before exec.
  // `env` ("NAME=value") is added to, or overrides, this process's environment for the child.
  raft::Status Start(const std::vector<std::string>& argv, const std::string& log_path,
                     const std::string& netns_path = "", const std::vector<std::string>& env = {});

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Sends `signal` (nothing when not running).
  void Signal(int signal);
  // SIGKILL, then reaps.
  void Kill();
  // SIGTERM; reaps within `grace`, else SIGKILL.
  void Terminate(std::chrono::milliseconds grace);
  // Whether it has exited (reaping it if so) without blocking.
  bool Exited();
  // How it ended, once Exited() saw it end on its own ("exited with status 1").
  const std::string& exit_description() const { return exit_description_; }

 private:
  void Reap();
  pid_t pid_ = -1;
  std::string exit_description_;
};

}  // namespace coord::jepsen::harness
