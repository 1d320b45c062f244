#include "tcp_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <future>
#include <vector>

namespace coord::jepsen::harness::testing {

namespace {

bool EnterNamespace(const std::string& netns_path) {
  if (netns_path.empty()) return true;
  int fd = ::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::setns(fd, CLONE_NEWNET) == 0;
  ::close(fd);
  return ok;
}

sockaddr_in Address(const Endpoint& e) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(e.port);
  ::inet_pton(AF_INET, e.host.c_str(), &a.sin_addr);
  return a;
}

int Remaining(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

}  // namespace

EchoServer::EchoServer(Endpoint at, std::string netns_path)
    : thread_([this, at, netns_path] { Serve(at, netns_path); }) {}

EchoServer::~EchoServer() {
  stop_ = true;
  thread_.join();
}

bool EchoServer::WaitListening() {
  while (state_.load() == 0) std::this_thread::yield();
  return state_.load() == 1;
}

void EchoServer::Serve(Endpoint at, std::string netns_path) {
  int listener = -1;
  if (EnterNamespace(netns_path)) listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  sockaddr_in addr = Address(at);
  if (listener < 0 || ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      ::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, 16) != 0) {
    if (listener >= 0) ::close(listener);
    state_ = -1;
    return;
  }
  state_ = 1;
  std::vector<pollfd> fds{{listener, POLLIN, 0}};
  while (!stop_) {
    // A short poll so the destructor's stop flag is seen promptly.
    if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
    for (size_t i = fds.size(); i-- > 0;) {
      if (!fds[i].revents) continue;
      if (i == 0) {
        int c = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (c >= 0) fds.push_back({c, POLLIN, 0});
        continue;
      }
      char buf[512];
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0 || ::write(fds[i].fd, buf, static_cast<size_t>(n)) != n) {
        ::close(fds[i].fd);
        fds.erase(fds.begin() + static_cast<long>(i));
      }
    }
  }
  for (auto& p : fds) ::close(p.fd);
}

EchoClient::~EchoClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool EchoClient::Connect(const Endpoint& to, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) return false;
  sockaddr_in addr = Address(to);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return true;
  if (errno != EINPROGRESS) return false;
  pollfd p{fd_, POLLOUT, 0};
  if (::poll(&p, 1, Remaining(deadline)) != 1) return false;
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
  return err == 0;
}

bool EchoClient::Echo(std::chrono::milliseconds timeout) {
  if (fd_ < 0) return false;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string ping = "ping";
  if (::send(fd_, ping.data(), ping.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(ping.size())) return false;
  std::string got;
  while (got.size() < ping.size()) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, Remaining(deadline)) != 1) return false;
    char buf[16];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) return false;
    got.append(buf, static_cast<size_t>(n));
  }
  return got == ping;
}

bool RoundTrip(const Endpoint& to, const std::string& netns_path, std::chrono::milliseconds timeout) {
  // A thread of its own: entering a namespace changes the calling thread for good.
  return std::async(std::launch::async, [&] {
           if (!EnterNamespace(netns_path)) return false;
           EchoClient c;
           return c.Connect(to, timeout) && c.Echo(timeout);
         }).get();
}

}  // namespace coord::jepsen::harness::testing
