#include "jepsen/harness/child_process.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <future>
#include <mutex>
#include <queue>
#include <thread>

namespace coord::jepsen::harness {

namespace {

// PR_SET_PDEATHSIG fires when the *thread* that forked the child exits, not the process. Nodes
// are restarted from the nemesis thread, which ends before the run does; so every fork happens
// on this one thread, which lives as long as the process.
class SpawnerThread {
 public:
  static SpawnerThread& Get() {
    static SpawnerThread* spawner = new SpawnerThread();  // never destroyed: must outlive all
    return *spawner;
  }
  template <typename Fn>
  auto Run(Fn fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push([&task] { task(); });
    }
    cv_.notify_one();
    return result.get();
  }

 private:
  SpawnerThread() {
    std::thread([this] {
      for (;;) {
        std::function<void()> task;
        {
          std::unique_lock<std::mutex> lock(mu_);
          cv_.wait(lock, [this] { return !tasks_.empty(); });
          task = std::move(tasks_.front());
          tasks_.pop();
        }
        task();
      }
    }).detach();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::queue<std::function<void()>> tasks_;  // GUARDED_BY(mu_)
};

// Closes descriptors first..limit-1. Async-signal-safe (runs between fork and exec); close_range
// where the kernel has it (5.9+), else one close per possible descriptor.
void CloseDescriptorsFrom(int first, long limit) {
  if (::syscall(SYS_close_range, first, ~0U, 0) == 0) return;
  for (long fd = first; fd < limit; ++fd) ::close(static_cast<int>(fd));
}

}  // namespace

ChildProcess::~ChildProcess() { Kill(); }

raft::Status ChildProcess::Start(const std::vector<std::string>& argv,
                                 const std::string& log_path, const std::string& netns_path,
                                 const std::vector<std::string>& env) {
  if (running()) return raft::Status::InvalidArgument("already running");
  if (argv.empty()) return raft::Status::InvalidArgument("empty command");
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> environment = env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string var = *e;
    const std::string name = var.substr(0, var.find('=') + 1);
    bool overridden = false;
    for (const std::string& mine : env) overridden |= mine.rfind(name, 0) == 0;
    if (!overridden) environment.push_back(var);
  }
  std::vector<char*> envp;
  for (const std::string& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return raft::Status::IOError("open " + log_path + ": " + std::strerror(errno));
  int ns_fd = -1;
  if (!netns_path.empty()) {
    ns_fd = ::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0) {
      ::close(log_fd);
      return raft::Status::IOError("open " + netns_path + ": " + std::strerror(errno));
    }
  }
  const pid_t parent = ::getpid();
  const long open_max = std::max(::sysconf(_SC_OPEN_MAX), 1024L);
  // The whole child side runs inside the spawner's task: in the child only the forking thread
  // exists, so it must go straight on to exec.
  pid_t pid = SpawnerThread::Get().Run([&]() -> pid_t {
    pid_t p = ::fork();
    if (p != 0) return p;
    // The node dies with the harness even if the harness is killed -9.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    if (ns_fd >= 0 && ::setns(ns_fd, CLONE_NEWNET) != 0) ::_exit(126);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    // Nothing else of ours may live on in the node: Asio opens sockets without CLOEXEC, and a
    // proxied connection inherited by a node stays open after the proxy closes it, so the
    // peer on the other end never learns the link is gone.
    CloseDescriptorsFrom(STDERR_FILENO + 1, open_max);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  });
  if (pid < 0) {
    ::close(log_fd);
    if (ns_fd >= 0) ::close(ns_fd);
    return raft::Status::IOError(std::string("fork: ") + std::strerror(errno));
  }
  ::close(log_fd);
  if (ns_fd >= 0) ::close(ns_fd);
  pid_ = pid;
  return raft::Status::Ok();
}

void ChildProcess::Signal(int signal) {
  if (running()) ::kill(pid_, signal);
}

void ChildProcess::Reap() {
  if (!running()) return;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

void ChildProcess::Kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  ::kill(pid_, SIGCONT);  // a stopped process dies only once continued on some kernels
  Reap();
}

void ChildProcess::Terminate(std::chrono::milliseconds grace) {
  if (!running()) return;
  ::kill(pid_, SIGCONT);
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Exited()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
}

bool ChildProcess::Exited() {
  if (!running()) return true;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    if (WIFEXITED(status)) exit_description_ = "exited with status " + std::to_string(WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) exit_description_ = std::string("killed by signal ") + strsignal(WTERMSIG(status));
    return true;
  }
  return false;
}

}  // namespace coord::jepsen::harness
