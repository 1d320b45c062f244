#include "tests/api/coordd_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

#include "tests/api/api_client.h"

namespace coord::api::testing {

namespace fs = std::filesystem;

std::string CoorddBinary() { return COORDD_BINARY; }

namespace {

// Claims `port` for this process by holding an exclusive flock on a file named after it. Tests
// run as parallel processes (ctest -j), and a port that a cluster test keeps for a stopped node
// looks free to a bind() probe from another process; the lock tells them apart. The kernel
// drops the lock when the process exits, however it exits, so no lease outlives its owner.
bool ClaimPortLease(uint16_t port) {
  static const std::string dir = [] {
    const std::string d = "/tmp/coord-test-ports";
    ::mkdir(d.c_str(), 0777);
    ::chmod(d.c_str(), 0777);
    return d;
  }();
  const std::string path = dir + "/" + std::to_string(port);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  return true;  // fd stays open (and locked) until the process exits
}

bool CanBindLoopback(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return free;
}

}  // namespace

uint16_t FreePort() {
  static std::mutex mu;
  static std::set<uint16_t> handed_out;
  static std::mt19937 rng(static_cast<uint32_t>(::getpid()) * 2654435761u ^
                          static_cast<uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  // Below the usual ephemeral range (32768..60999).
  std::uniform_int_distribution<int> pick(20000, 32000);
  std::lock_guard<std::mutex> lock(mu);
  for (int attempt = 0; attempt < 5000; ++attempt) {
    const uint16_t port = static_cast<uint16_t>(pick(rng));
    if (handed_out.count(port) != 0) continue;
    if (!CanBindLoopback(port) || !ClaimPortLease(port)) continue;
    handed_out.insert(port);
    return port;
  }
  throw std::runtime_error("no free port");
}

std::string MakeTempDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
  return tmpl;
}

CoorddCluster::CoorddCluster(int size, std::vector<std::string> extra_flags)
    : dir_(MakeTempDir("coordd-test")), extra_flags_(std::move(extra_flags)) {
  for (int i = 1; i <= size; ++i) {
    Node& n = nodes_[static_cast<uint64_t>(i)];
    n.id = static_cast<uint64_t>(i);
    n.client_port = FreePort();
    do {
      n.peer_port = FreePort();
    } while (n.peer_port == n.client_port);
    n.data_dir = dir_ + "/node-" + std::to_string(i);
    n.log_path = dir_ + "/node-" + std::to_string(i) + ".log";
  }
}

CoorddCluster::~CoorddCluster() {
  const bool failed = ::testing::Test::HasFailure();
  for (auto& [id, n] : nodes_) n.process.reset();  // SIGKILL + reap
  if (failed) {
    for (auto& [id, n] : nodes_) {
      std::fprintf(stderr, "---- node %llu log (%s), tail ----\n%s\n",
                   static_cast<unsigned long long>(id), n.log_path.c_str(), LogTail(id).c_str());
    }
    std::fprintf(stderr, "(test directory kept: %s)\n", dir_.c_str());
    return;
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::vector<uint64_t> CoorddCluster::ids() const {
  std::vector<uint64_t> out;
  for (const auto& [id, n] : nodes_) out.push_back(id);
  return out;
}

std::string CoorddCluster::initial_cluster() const {
  std::string out;
  for (const auto& [id, n] : nodes_) {
    if (!out.empty()) out += ",";
    out += std::to_string(id) + "=127.0.0.1:" + std::to_string(n.peer_port);
  }
  return out;
}

std::vector<std::string> CoorddCluster::CommandLine(uint64_t id) const {
  const Node& n = nodes_.at(id);
  // Fast timing: elections in 300-600 ms, failures reported within a few seconds. A flag the
  // test gives replaces its default here (coordd refuses a flag given twice).
  std::vector<std::pair<std::string, std::string>> defaults = {
      {"--cluster-id", "test"},
      {"--tick-ms", "20"},
      {"--election-ticks", "15"},
      {"--request-timeout-ms", "3000"},
      {"--leader-wait-ms", "3000"},
  };
  std::vector<std::string> extra = extra_flags_;
  extra.insert(extra.end(), n.extra_flags.begin(), n.extra_flags.end());
  std::vector<std::string> args = {
      CoorddBinary(),
      "--id", std::to_string(id),
      "--data-dir", n.data_dir,
      "--listen-client", "127.0.0.1:" + std::to_string(n.client_port),
      "--listen-peer", "127.0.0.1:" + std::to_string(n.peer_port),
      "--initial-cluster", initial_cluster(),
  };
  for (const auto& [flag, value] : defaults) {
    if (std::find(extra.begin(), extra.end(), flag) == extra.end()) {
      args.push_back(flag);
      args.push_back(value);
    }
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

void CoorddCluster::StartNode(uint64_t id, const std::vector<std::string>& more_flags) {
  Node& n = nodes_.at(id);
  n.process.reset();
  std::vector<std::string> args = CommandLine(id);
  args.insert(args.end(), more_flags.begin(), more_flags.end());
  n.process = Subprocess::Start(args, n.log_path);
  ASSERT_NE(n.process, nullptr) << "cannot start " << args[0];
}

bool CoorddCluster::Running(uint64_t id) const {
  const Node& n = nodes_.at(id);
  return n.process && !n.process->exited();
}

bool CoorddCluster::AwaitReady(uint64_t id, std::chrono::milliseconds timeout) {
  const uint16_t port = client_port(id);
  const bool ready = Eventually(
      [&] {
        if (!Running(id)) return false;
        if (nodes_.at(id).process->Wait(std::chrono::milliseconds(0))) return false;
        return Call(port, "GET", "/ready", {}, {}, std::chrono::seconds(2)).ok();
      },
      timeout);
  if (!ready) ADD_FAILURE() << "node " << id << " not ready within " << timeout.count() << " ms";
  return ready;
}

bool CoorddCluster::Start(std::chrono::milliseconds timeout) {
  for (const auto& [id, n] : nodes_) StartNode(id);
  for (const auto& [id, n] : nodes_) {
    if (!AwaitReady(id, timeout)) return false;
  }
  return true;
}

std::optional<ExitStatus> CoorddCluster::Stop(uint64_t id, int signal,
                                              std::chrono::milliseconds timeout) {
  Node& n = nodes_.at(id);
  if (!n.process) return std::nullopt;
  n.process->Signal(signal);
  return n.process->Wait(timeout);
}

uint64_t CoorddCluster::AwaitLeader(std::chrono::milliseconds timeout) {
  uint64_t leader = 0;
  Eventually(
      [&] {
        leader = 0;
        for (const auto& [id, n] : nodes_) {
          if (!Running(id)) continue;
          Reply r = Call(n.client_port, "GET", "/v1/cluster", {}, {}, std::chrono::seconds(2));
          if (!r.ok() || !r.json["leader"].is_number_unsigned()) return false;
          const uint64_t l = r.json["leader"].get<uint64_t>();
          if (leader != 0 && l != leader) return false;
          leader = l;
        }
        if (leader == 0 || !nodes_.count(leader) || !Running(leader)) return false;
        Reply self = Call(client_port(leader), "GET", "/v1/cluster", {}, {}, std::chrono::seconds(2));
        return self.ok() && self.json["leader"] == leader;
      },
      timeout);
  return leader;
}

uint64_t CoorddCluster::AnyRunningExcept(uint64_t not_this) const {
  for (const auto& [id, n] : nodes_) {
    if (id != not_this && Running(id)) return id;
  }
  return 0;
}

std::string CoorddCluster::LogTail(uint64_t id, size_t bytes) const {
  std::string log = ReadFile(nodes_.at(id).log_path);
  return log.size() > bytes ? log.substr(log.size() - bytes) : log;
}

}  // namespace coord::api::testing
