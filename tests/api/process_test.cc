// coordd as a process: --help, bad flags, ports in use, unwritable and corrupted data
// directories (refused with the storage's message, exit code 1), SIGTERM shutting down
// cleanly with the data kept.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/api/api_client.h"
#include "tests/api/coordd_cluster.h"

namespace coord::api::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

class Process : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir("coordd-process"); }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), CoorddBinary());
    return RunToCompletion(args, std::chrono::seconds(20), dir_ + "/run.log");
  }

  // Flags for a single node on free ports with its data in `data_dir`.
  static std::vector<std::string> SingleNode(const std::string& data_dir, uint16_t client,
                                             uint16_t peer, uint64_t id = 1,
                                             const std::string& cluster = "test") {
    const std::string peer_addr = "127.0.0.1:" + std::to_string(peer);
    return {"--id", std::to_string(id), "--data-dir", data_dir,
            "--listen-client", "127.0.0.1:" + std::to_string(client),
            "--listen-peer", peer_addr,
            "--initial-cluster", std::to_string(id) + "=" + peer_addr,
            "--cluster-id", cluster, "--tick-ms", "20"};
  }

  std::string dir_;
};

// A listening socket held for the test's duration.
class PortHolder {
 public:
  PortHolder() : port_(FreePort()) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 1), 0);
  }
  ~PortHolder() { ::close(fd_); }
  uint16_t port() const { return port_; }

 private:
  uint16_t port_;
  int fd_;
};

TEST_F(Process, HelpListsEveryFlag) {
  RunResult r = Run({"--help"});
  ASSERT_TRUE(r.status.has_value());
  EXPECT_TRUE(r.status->exited && r.status->code == 0) << r.status->ToString();
  for (const char* flag :
       {"--id", "--data-dir", "--listen-client", "--listen-peer", "--initial-cluster", "--cluster-id",
        "--join", "--tick-ms", "--election-ticks", "--heartbeat-ticks", "--snapshot-every",
        "--snapshot-catchup-entries", "--request-timeout-ms", "--leader-wait-ms", "--max-body-bytes",
        "--max-header-bytes", "--max-connections", "--header-timeout-ms", "--body-timeout-ms",
        "--idle-timeout-ms", "--http-threads", "--access-log", "--max-data-bytes", "--max-path-bytes",
        "--session-min-ttl-ms", "--session-max-ttl-ms", "--keepalive-rate", "--clock-offset-ms"}) {
    EXPECT_THAT(r.output, HasSubstr(flag));
  }
}

TEST_F(Process, BadFlagsExitWithAClearMessage) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--bogus"}, "unrecognised option '--bogus'"},
      {{"--tick-ms", "abc"}, "--tick-ms"},
      {{"--tick-ms", "0"}, "--tick-ms must be > 0"},
      {{"--id", "0"}, "--id must be > 0"},
      {{"--listen-client", "localhost"}, "--listen-client: expected HOST:PORT"},
      {{"--listen-peer", "127.0.0.1:99999"}, "--listen-peer: port must be a number in 1..65535"},
      {{"--initial-cluster", "2=127.0.0.1:7480"}, "does not include this node's --id 1"},
      {{"--initial-cluster", "1=a:1,1=b:2"}, "member id 1 appears twice"},
      {{"--initial-cluster", "x"}, "expected ID=HOST:PORT"},
      {{"--election-ticks", "1"}, "--election-ticks must exceed --heartbeat-ticks"},
      {{"--max-body-bytes", "10"}, "--max-body-bytes must be at least --max-data-bytes"},
      {{"--keepalive-rate", "-1"}, "--keepalive-rate must be >= 0"},
      {{"positional"}, "positional"},
  };
  for (const Case& c : cases) {
    RunResult r = Run(c.args);
    ASSERT_TRUE(r.status.has_value());
    EXPECT_TRUE(r.status->exited && r.status->code == 2) << c.args[0] << ": " << r.status->ToString();
    EXPECT_THAT(r.output, HasSubstr(c.message)) << c.args[0];
    EXPECT_THAT(r.output, HasSubstr("coordd --help"));
  }
}

TEST_F(Process, PortsInUseAreNamed) {
  PortHolder taken;
  RunResult client = Run(SingleNode(dir_ + "/a", taken.port(), FreePort()));
  ASSERT_TRUE(client.status.has_value());
  EXPECT_TRUE(client.status->exited && client.status->code == 1) << client.status->ToString();
  EXPECT_THAT(client.output, HasSubstr("--listen-client 127.0.0.1:" + std::to_string(taken.port())));
  EXPECT_THAT(client.output, HasSubstr("Address already in use"));

  RunResult peer = Run(SingleNode(dir_ + "/b", FreePort(), taken.port()));
  ASSERT_TRUE(peer.status.has_value());
  EXPECT_TRUE(peer.status->exited && peer.status->code == 1) << peer.status->ToString();
  EXPECT_THAT(peer.output, HasSubstr("--listen-peer 127.0.0.1:" + std::to_string(taken.port())));
  EXPECT_THAT(peer.output, HasSubstr("Address already in use"));
}

TEST_F(Process, UnwritableDataDirectory) {
  std::ofstream(dir_ + "/a-file") << "not a directory";
  RunResult r = Run(SingleNode(dir_ + "/a-file/data", FreePort(), FreePort()));
  ASSERT_TRUE(r.status.has_value());
  EXPECT_TRUE(r.status->exited && r.status->code == 1) << r.status->ToString();
  EXPECT_THAT(r.output, HasSubstr("cannot use --data-dir " + dir_ + "/a-file/data"));
  EXPECT_THAT(r.output, HasSubstr("cannot create data directory"));
}

TEST_F(Process, SigtermStopsCleanlyAndKeepsTheData) {
  const std::string data = dir_ + "/data";
  const uint16_t client = FreePort();
  const uint16_t peer = FreePort();
  std::vector<std::string> args = SingleNode(data, client, peer);
  args.insert(args.begin(), CoorddBinary());
  auto p = Subprocess::Start(args, dir_ + "/node.log");
  ASSERT_TRUE(Eventually([&] { return Get(client, "/ready").ok(); }, std::chrono::seconds(20)));
  ASSERT_TRUE(Post(client, "/v1/nodes/kept", {{"data", "yes"}}).ok());
  p->Signal(SIGTERM);
  std::optional<ExitStatus> s = p->Wait(std::chrono::seconds(10));
  ASSERT_TRUE(s.has_value()) << "coordd did not stop within 10 s of SIGTERM";
  EXPECT_TRUE(s->exited && s->code == 0) << s->ToString();
  EXPECT_EQ(Get(client, "/health").status, 0) << "port closed";

  auto again = Subprocess::Start(args, dir_ + "/node.log");
  ASSERT_TRUE(Eventually([&] { return Get(client, "/ready").ok(); }, std::chrono::seconds(20)));
  EXPECT_EQ(Get(client, "/v1/nodes/kept").json["data"], "yes");
  again->Signal(SIGINT);
  s = again->Wait(std::chrono::seconds(10));
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->exited && s->code == 0) << s->ToString();
}

// Builds a stopped single-node data directory holding a snapshot, for the corruption cases.
class CorruptDataDir : public Process {
 protected:
  void SetUp() override {
    Process::SetUp();
    pristine_ = dir_ + "/pristine";
    const uint16_t client = FreePort();
    std::vector<std::string> args = SingleNode(pristine_, client, FreePort());
    args.insert(args.begin(), CoorddBinary());
    args.insert(args.end(), {"--snapshot-every", "20"});
    auto p = Subprocess::Start(args, dir_ + "/pristine.log");
    ASSERT_TRUE(Eventually([&] { return Get(client, "/ready").ok(); }, std::chrono::seconds(20)));
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE(Post(client, "/v1/nodes/n" + std::to_string(i), {{"data", "x"}}).ok());
    }
    ASSERT_TRUE(Eventually([&] { return !SnapshotFile(pristine_).empty(); }, std::chrono::seconds(10)));
    p->Signal(SIGTERM);
    ASSERT_TRUE(p->Wait(std::chrono::seconds(10)).has_value());
  }

  static std::string SnapshotFile(const std::string& dir) {
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("snap-", 0) == 0 && name.size() > 5 && e.path().extension() == ".snap") {
        return e.path().string();
      }
    }
    return "";
  }

  // A copy of the pristine directory to damage.
  std::string Copy(const std::string& name) {
    const std::string to = dir_ + "/" + name;
    fs::copy(pristine_, to, fs::copy_options::recursive);
    return to;
  }

  // Starts coordd on `data` and expects it to refuse with `message`.
  void ExpectRefused(const std::string& data, const std::string& message,
                     std::vector<std::string> args = {}) {
    if (args.empty()) args = SingleNode(data, FreePort(), FreePort());
    RunResult r = Run(args);
    ASSERT_TRUE(r.status.has_value()) << "coordd kept running on a damaged directory";
    EXPECT_TRUE(r.status->exited && r.status->code == 1) << r.status->ToString() << "\n" << r.output;
    EXPECT_THAT(r.output, HasSubstr("cannot use --data-dir " + data + ": Corruption: data directory " + data));
    EXPECT_THAT(r.output, HasSubstr(message));
  }

  std::string pristine_;
};

TEST_F(CorruptDataDir, FlippedByteInTheSnapshot) {
  const std::string d = Copy("flipped");
  const std::string snap = SnapshotFile(d);
  std::fstream f(snap, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(fs::file_size(snap) / 2));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(fs::file_size(snap) / 2));
  f.put(static_cast<char>(c ^ 0x40));
  f.close();
  ExpectRefused(d, "checksum mismatch in snapshot data file snap-");
}

TEST_F(CorruptDataDir, TruncatedSnapshot) {
  const std::string d = Copy("truncated");
  const std::string snap = SnapshotFile(d);
  const auto size = fs::file_size(snap);
  fs::resize_file(snap, size - 7);
  ExpectRefused(d, "has " + std::to_string(size - 7) + " bytes, its record says " + std::to_string(size));
}

TEST_F(CorruptDataDir, MissingSnapshot) {
  const std::string d = Copy("missing");
  const std::string snap = SnapshotFile(d);
  fs::remove(snap);
  ExpectRefused(d, "snapshot data file " + fs::path(snap).filename().string() + " is missing");
}

TEST_F(CorruptDataDir, AnotherNodesDirectory) {
  const std::string d = Copy("other-node");
  std::vector<std::string> args = SingleNode(d, FreePort(), FreePort(), /*id=*/2);
  ExpectRefused(d, "it belongs to node 1, not node 2", args);
}

TEST_F(CorruptDataDir, AnotherClustersDirectory) {
  const std::string d = Copy("other-cluster");
  std::vector<std::string> args = SingleNode(d, FreePort(), FreePort(), 1, "other");
  ExpectRefused(d, "it belongs to cluster 'test', not 'other'", args);
}

TEST_F(CorruptDataDir, ThePristineCopyStillStarts) {
  const std::string d = Copy("pristine-copy");
  const uint16_t client = FreePort();
  std::vector<std::string> args = SingleNode(d, client, FreePort());
  args.insert(args.begin(), CoorddBinary());
  auto p = Subprocess::Start(args, dir_ + "/copy.log");
  ASSERT_TRUE(Eventually([&] { return Get(client, "/ready").ok(); }, std::chrono::seconds(20)));
  EXPECT_EQ(Get(client, "/v1/nodes/?children=true").json["children"].size(), 30u);
}

}  // namespace
}  // namespace coord::api::testing
