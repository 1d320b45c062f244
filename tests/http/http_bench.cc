// Requests per second of a trivial 200 handler on loopback (docs/http.md records results).
//
//   api_http_bench [--threads N] [--connections C] [--seconds S] [--pipeline D]
//       runs the server and C keep-alive client threads in this process, each sending D
//       requests per round trip, and prints requests/s.
//   api_http_bench --serve PORT [--threads N] [--seconds S]
//       only serves GET /ping on 127.0.0.1:PORT for S seconds (default 60), for wrk.
//
// The clients share the machine with the server, as wrk would: on a 2-core machine the
// figure is a floor for the server alone.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "api/http/server.h"

namespace {

using namespace coord::api::http;
using Clock = std::chrono::steady_clock;

int Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool SendAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

bool RecvExactly(int fd, std::string& buf, size_t n) {
  buf.resize(n);
  size_t off = 0;
  while (off < n) {
    const ssize_t r = ::recv(fd, buf.data() + off, n - off, 0);
    if (r <= 0) return false;
    off += static_cast<size_t>(r);
  }
  return true;
}

// Every response of the benchmark is the same size; learn it from the first one.
size_t ResponseSize(int fd, const std::string& request) {
  if (!SendAll(fd, request)) return 0;
  std::string in;
  char buf[4096];
  while (true) {
    const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r <= 0) return 0;
    in.append(buf, static_cast<size_t>(r));
    const size_t end = in.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    const size_t cl = in.find("Content-Length: ");
    if (cl == std::string::npos) return 0;
    const size_t total = end + 4 + std::strtoul(in.c_str() + cl + 16, nullptr, 10);
    if (in.size() >= total) return total;
  }
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 0, connections = 8, seconds = 5, pipeline = 1, serve_port = -1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--threads") threads = value;
    else if (flag == "--connections") connections = value;
    else if (flag == "--seconds") seconds = value;
    else if (flag == "--pipeline") pipeline = value;
    else if (flag == "--serve") serve_port = value;
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (serve_port >= 0 && seconds == 5) seconds = 60;

  Router router;
  router.Add(Method::kGet, "/ping", SyncHandler([](const Request&) {
               return Response::Text(200, "pong");
             }));
  Options options;
  options.threads = threads;
  options.port = static_cast<uint16_t>(serve_port > 0 ? serve_port : 0);
  Server server(options, std::move(router));
  if (auto s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "start: %s\n", s.ToString().c_str());
    return 1;
  }
  const int server_threads = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());

  if (serve_port >= 0) {
    std::printf("serving GET http://127.0.0.1:%u/ping for %d s (%d threads)\n", server.port(),
                seconds, server_threads);
    std::fflush(stdout);
    // A bounded run: the benchmark stops by itself.
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    server.Stop();
    return 0;
  }

  std::string request;
  for (int i = 0; i < pipeline; ++i) request += "GET /ping HTTP/1.1\r\nHost: bench\r\n\r\n";
  const std::string one = "GET /ping HTTP/1.1\r\nHost: bench\r\n\r\n";
  std::atomic<uint64_t> total{0};
  std::atomic<bool> failed{false};
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> clients;
  const auto start = Clock::now();
  for (int c = 0; c < connections; ++c) {
    clients.emplace_back([&] {
      const int fd = Connect(server.port());
      const size_t size = fd >= 0 ? ResponseSize(fd, one) : 0;
      if (size == 0) {
        failed = true;
        return;
      }
      std::string buf;
      uint64_t done = 1;
      while (Clock::now() < deadline) {
        if (!SendAll(fd, request) || !RecvExactly(fd, buf, size * static_cast<size_t>(pipeline))) {
          failed = true;
          break;
        }
        done += static_cast<uint64_t>(pipeline);
      }
      ::close(fd);
      total += done;
    });
  }
  for (auto& t : clients) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  server.Stop();
  std::printf("server_threads=%d connections=%d pipeline=%d seconds=%.2f requests=%llu "
              "requests_per_second=%.0f%s\n",
              server_threads, connections, pipeline, elapsed,
              static_cast<unsigned long long>(total.load()), total.load() / elapsed,
              failed ? " (some clients failed)" : "");
  return failed ? 1 : 0;
}
