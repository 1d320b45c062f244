// watch_fanout_bench: N watchers on one coordd, one write fanned out to all of them.
//
// Starts a single-node coordd (a real process), opens N SSE watch streams on one path from this
// process (non-blocking sockets on one epoll thread), then, for each round, makes one write and
// measures, per watcher, the time from the write's acknowledgement being requested until that
// watcher's socket has the event. Prints p50/p99/max over all watchers and rounds, and the
// server's resident memory per watcher (VmRSS before and after opening the streams).
//
//   watch_fanout_bench [--watchers 10000] [--rounds 5] [--mode sse|poll]
//
// Not a ctest test (it needs ~2 x N file descriptors): scripts and docs/watch.md run it.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "tests/api/api_client.h"
#include "tests/api/coordd_cluster.h"

namespace {

using Clock = std::chrono::steady_clock;
using coord::api::testing::CoorddCluster;

long RssKb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

int Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  return fd;
}

struct Watcher {
  int fd = -1;
  std::string buffer;
  bool got = false;
};

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  int watchers = 10000;
  int rounds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--watchers") watchers = std::atoi(argv[i + 1]);
    if (flag == "--rounds") rounds = std::atoi(argv[i + 1]);
  }
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, static_cast<rlim_t>(watchers) * 2 + 1000);
  if (::setrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur < static_cast<rlim_t>(watchers) + 100) {
    std::fprintf(stderr, "cannot raise the file descriptor limit for %d watchers\n", watchers);
    return 1;
  }
  // coordd inherits the raised limit.
  const std::string n = std::to_string(watchers + 100);
  CoorddCluster cluster(1, {"--max-connections", n, "--max-watchers", n, "--http-threads", "2"});
  if (!cluster.Start()) return 1;
  const uint16_t port = cluster.client_port(1);
  const pid_t pid = cluster.node(1).process->pid();
  coord::api::testing::Post(port, "/v1/nodes/fanout", nlohmann::json::object());

  const long rss_before = RssKb(pid);
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<Watcher> ws(static_cast<size_t>(watchers));
  const std::string request =
      "GET /v1/watch?path=/fanout HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
  for (size_t i = 0; i < ws.size(); ++i) {
    ws[i].fd = Connect(port);
    ::send(ws[i].fd, request.data(), request.size(), MSG_NOSIGNAL);
    ::fcntl(ws[i].fd, F_SETFL, O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, ws[i].fd, &ev);
    if (i % 1000 == 999) std::fprintf(stderr, "\ropened %zu/%d watchers", i + 1, watchers);
  }
  std::fprintf(stderr, "\n");
  // Every stream's header: the watch is registered once its 200 has been written.
  size_t headers = 0;
  epoll_event events[512];
  char buf[16384];
  const auto open_deadline = Clock::now() + std::chrono::seconds(60);
  while (headers < ws.size() && Clock::now() < open_deadline) {
    const int k = ::epoll_wait(ep, events, 512, 100);
    for (int e = 0; e < k; ++e) {
      Watcher& w = ws[events[e].data.u64];
      const ssize_t r = ::recv(w.fd, buf, sizeof buf, 0);
      if (r <= 0) continue;
      const bool had = w.buffer.find("\r\n\r\n") != std::string::npos;
      w.buffer.append(buf, static_cast<size_t>(r));
      if (!had && w.buffer.find("\r\n\r\n") != std::string::npos) ++headers;
    }
  }
  if (headers < ws.size()) {
    std::fprintf(stderr, "only %zu of %d streams opened\n", headers, watchers);
    return 1;
  }
  const long rss_after = RssKb(pid);

  std::vector<double> latencies_ms;
  for (int round = 0; round < rounds; ++round) {
    for (Watcher& w : ws) {
      w.buffer.clear();
      w.got = false;
    }
    const auto start = Clock::now();
    coord::api::testing::Reply put =
        coord::api::testing::Put(port, "/v1/nodes/fanout", {{"data", std::to_string(round)}});
    if (!put.ok()) {
      std::fprintf(stderr, "write failed: %s\n", put.Describe().c_str());
      return 1;
    }
    size_t got = 0;
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (got < ws.size() && Clock::now() < deadline) {
      const int k = ::epoll_wait(ep, events, 512, 100);
      const auto now = Clock::now();
      for (int e = 0; e < k; ++e) {
        Watcher& w = ws[events[e].data.u64];
        ssize_t r;
        while ((r = ::recv(w.fd, buf, sizeof buf, 0)) > 0) w.buffer.append(buf, static_cast<size_t>(r));
        if (!w.got && w.buffer.find("data_changed") != std::string::npos) {
          w.got = true;
          ++got;
          latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - start).count());
        }
      }
    }
    if (got < ws.size()) {
      std::fprintf(stderr, "round %d: only %zu of %d watchers got the event\n", round, got, watchers);
      return 1;
    }
    std::fprintf(stderr, "round %d: last watcher after %.1f ms\n", round,
                 *std::max_element(latencies_ms.end() - static_cast<long>(ws.size()), latencies_ms.end()));
  }
  std::printf("watchers %d, rounds %d (SSE streams on one coordd, one write each round)\n", watchers, rounds);
  std::printf("time from write to event at watcher: p50 %.1f ms  p99 %.1f ms  max %.1f ms\n",
              Percentile(latencies_ms, 0.50), Percentile(latencies_ms, 0.99), Percentile(latencies_ms, 1.0));
  std::printf("coordd RSS: %ld KiB before, %ld KiB with the streams open: %.1f KiB per watcher\n",
              rss_before, rss_after, static_cast<double>(rss_after - rss_before) / watchers);
  for (Watcher& w : ws) ::close(w.fd);
  return 0;
}
