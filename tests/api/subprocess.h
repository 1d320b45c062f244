// Subprocess: a child process for process-level tests (fork + exec), with output appended to
// a log file, signals, and exact waits on its exit through a pidfd (poll), so nothing sleeps.
//
// Thread-safety: one owner thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace coord::api::testing {

struct ExitStatus {
  bool exited = false;  // normal exit (else killed by a signal)
  int code = 0;         // exit code, if exited
  int signal = 0;       // terminating signal, if not
  std::string ToString() const;
};

class Subprocess {
 public:
  // Starts argv[0] (a path) with argv; stdin is /dev/null, stdout and stderr are appended to
  // `log_path`. nullptr if fork/exec fails (exec failure shows as exit code 127).
  static std::unique_ptr<Subprocess> Start(const std::vector<std::string>& argv,
                                           const std::string& log_path);
  // SIGKILLs and reaps the child if it is still running.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // Waits for the child to exit, at most `timeout`; nullopt if it is still running.
  std::optional<ExitStatus> Wait(std::chrono::milliseconds timeout);
  bool exited() const { return status_.has_value(); }

 private:
  Subprocess(pid_t pid, int pidfd) : pid_(pid), pidfd_(pidfd) {}
  pid_t pid_;
  int pidfd_;
  std::optional<ExitStatus> status_;
};

// Runs a command to completion (at most `timeout`), capturing stdout and stderr together.
struct RunResult {
  std::optional<ExitStatus> status;  // nullopt: timed out (the process was killed)
  std::string output;
};
RunResult RunToCompletion(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const std::string& scratch_log);

std::string ReadFile(const std::string& path);

}  // namespace coord::api::testing
