#include "jepsen/harness/shell_command.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace coord::jepsen::harness {

namespace {

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace

raft::Result<std::string> RunCommand(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& a : argv) line += (line.empty() ? "" : " ") + a;
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int out_pipe[2], err_file;
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return raft::Status::IOError("pipe: " + line);
  // stderr goes to an unlinked temporary file so a chatty command cannot block on a full pipe
  // while we read stdout.
  char err_name[] = "/tmp/coord-jepsen-cmd-XXXXXX";
  err_file = ::mkostemp(err_name, O_CLOEXEC);
  if (err_file < 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return raft::Status::IOError("mkstemp: " + line);
  }
  ::unlink(err_name);
  pid_t pid = ::fork();
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_file, STDERR_FILENO);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  if (pid < 0) {
    ::close(out_pipe[0]);
    ::close(err_file);
    return raft::Status::IOError(std::string("fork: ") + std::strerror(errno));
  }
  std::string out = ReadAll(out_pipe[0]);
  ::close(out_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::lseek(err_file, 0, SEEK_SET);
  std::string err = ReadAll(err_file);
  ::close(err_file);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    return raft::Status::IOError(line + ": " + (err.empty() ? "failed" : err));
  }
  return out;
}

}  // namespace coord::jepsen::harness
