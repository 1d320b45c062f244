#include "tests/api/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace coord::api::testing {

std::string ExitStatus::ToString() const {
  return exited ? "exit code " + std::to_string(code) : "killed by signal " + std::to_string(signal);
}

std::unique_ptr<Subprocess> Subprocess::Start(const std::vector<std::string>& argv,
                                              const std::string& log_path) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return nullptr;
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log);
    return nullptr;
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    // The test process may block signals; the server must start with a clean mask.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(log);
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  return std::unique_ptr<Subprocess>(new Subprocess(pid, pidfd));
}

Subprocess::~Subprocess() {
  if (!status_) {
    ::kill(pid_, SIGKILL);
    Wait(std::chrono::seconds(30));
  }
  if (pidfd_ >= 0) ::close(pidfd_);
}

void Subprocess::Signal(int sig) {
  if (!status_) ::kill(pid_, sig);
}

std::optional<ExitStatus> Subprocess::Wait(std::chrono::milliseconds timeout) {
  if (status_) return status_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int raw = 0;
    const pid_t r = ::waitpid(pid_, &raw, WNOHANG);
    if (r == pid_) {
      ExitStatus s;
      s.exited = WIFEXITED(raw);
      s.code = s.exited ? WEXITSTATUS(raw) : 0;
      s.signal = WIFSIGNALED(raw) ? WTERMSIG(raw) : 0;
      status_ = s;
      return status_;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    // The pidfd becomes readable when the child exits: an exact wait, no polling interval.
    pollfd p{pidfd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) return std::nullopt;
  }
}

RunResult RunToCompletion(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const std::string& scratch_log) {
  ::unlink(scratch_log.c_str());
  RunResult out;
  std::unique_ptr<Subprocess> p = Subprocess::Start(argv, scratch_log);
  if (!p) return out;
  out.status = p->Wait(timeout);
  if (!out.status) {
    p->Signal(SIGKILL);
    p->Wait(std::chrono::seconds(10));
  }
  out.output = ReadFile(scratch_log);
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace coord::api::testing
