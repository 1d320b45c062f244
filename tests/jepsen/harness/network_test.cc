// The two Networks against real sockets: a cut link carries nothing, the others keep working,
// healing restores it, and teardown (or a sweep after a dead harness) leaves nothing behind.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "jepsen/harness/namespace_network.h"
#include "jepsen/harness/proxy_network.h"
#include "jepsen/harness/shell_command.h"
#include "tcp_probe.h"

namespace coord::jepsen::harness {
namespace {

using std::chrono::milliseconds;
using testing::EchoClient;
using testing::EchoServer;
using testing::RoundTrip;

constexpr milliseconds kTimeout{1000};

// An echo server as every node's peer listener.
std::vector<std::unique_ptr<EchoServer>> ServePeers(const Network& net) {
  std::vector<std::unique_ptr<EchoServer>> servers;
  for (int i = 0; i < net.nodes(); ++i) {
    servers.push_back(std::make_unique<EchoServer>(net.listen_peer(i), net.netns_path(i)));
    EXPECT_TRUE(servers.back()->WaitListening()) << "node " << i;
  }
  return servers;
}

bool Reaches(const Network& net, int from, int to) {
  return RoundTrip(net.peer_seen_by(from, to), net.netns_path(from), kTimeout);
}

TEST(ProxyNetworkTest, CutClosesOpenConnectionsAndRefusesNewOnesUntilHealed) {
  auto net = ProxyNetwork::Create(3);
  ASSERT_TRUE(net.ok()) << net.status().ToString();
  auto servers = ServePeers(**net);
  EchoClient open;
  ASSERT_TRUE(open.Connect((*net)->peer_seen_by(0, 1), kTimeout));
  ASSERT_TRUE(open.Echo(kTimeout));

  ASSERT_TRUE((*net)->Cut({MakeLink(1, 0)}).ok());
  EXPECT_FALSE(open.Echo(kTimeout));
  EXPECT_FALSE(Reaches(**net, 0, 1));
  EXPECT_FALSE(Reaches(**net, 1, 0));
  EXPECT_TRUE(Reaches(**net, 0, 2));
  EXPECT_TRUE(Reaches(**net, 2, 1));

  ASSERT_TRUE((*net)->Cut({}).ok());
  EXPECT_TRUE(Reaches(**net, 0, 1));
  EXPECT_TRUE(Reaches(**net, 1, 0));
}

TEST(ProxyNetworkTest, RestartedListenerIsReachableAgain) {
  // A node killed and restarted listens anew on the same port; its proxies must find it.
  auto net = ProxyNetwork::Create(2);
  ASSERT_TRUE(net.ok()) << net.status().ToString();
  auto servers = ServePeers(**net);
  ASSERT_TRUE(Reaches(**net, 0, 1));
  servers[1].reset();
  EXPECT_FALSE(Reaches(**net, 0, 1));
  servers[1] = std::make_unique<EchoServer>((*net)->listen_peer(1));
  ASSERT_TRUE(servers[1]->WaitListening());
  EXPECT_TRUE(Reaches(**net, 0, 1));
}

// Namespaces need root (CAP_NET_ADMIN); where they are not permitted the harness falls back to
// the proxy, and these tests say why they did not run.
std::unique_ptr<NamespaceNetwork> NamespacesOrSkipReason(int nodes, std::string* why) {
  auto net = NamespaceNetwork::Create(nodes);
  if (!net.ok()) {
    *why = net.status().ToString();
    return nullptr;
  }
  return std::move(*net);
}

TEST(NamespaceNetworkTest, CutIsARealPartitionAndTeardownRemovesEverything) {
  std::string why;
  auto net = NamespacesOrSkipReason(3, &why);
  if (!net) GTEST_SKIP() << "network namespaces not permitted here: " << why;
  auto servers = ServePeers(*net);
  ASSERT_TRUE(Reaches(*net, 0, 1));
  ASSERT_TRUE(Reaches(*net, 2, 0));

  ASSERT_TRUE(net->Cut({MakeLink(0, 1)}).ok());
  EXPECT_FALSE(Reaches(*net, 0, 1));
  EXPECT_FALSE(Reaches(*net, 1, 0));
  EXPECT_TRUE(Reaches(*net, 0, 2));
  EXPECT_TRUE(Reaches(*net, 1, 2));
  // Clients (the root namespace) reach every node whatever is cut.
  EXPECT_TRUE(RoundTrip(net->listen_peer(0), "", kTimeout));
  EXPECT_TRUE(RoundTrip(net->listen_peer(1), "", kTimeout));

  ASSERT_TRUE(net->Cut({}).ok());
  EXPECT_TRUE(Reaches(*net, 0, 1));
  EXPECT_TRUE(Reaches(*net, 1, 0));

  std::vector<std::string> paths;
  for (int i = 0; i < 3; ++i) paths.push_back(net->netns_path(i));
  servers.clear();
  net->Teardown();
  for (const auto& p : paths) EXPECT_FALSE(std::filesystem::exists(p)) << p;
  auto links = RunCommand({"ip", "-o", "link", "show"});
  ASSERT_TRUE(links.ok());
  char tag[32];
  std::snprintf(tag, sizeof tag, "cj%lx", static_cast<long>(::getpid()));
  EXPECT_EQ(links->find(tag), std::string::npos) << *links;
}

TEST(NamespaceNetworkTest, SweepRemovesOnlyWhatDeadHarnessesLeft) {
  std::string why;
  if (!NamespacesOrSkipReason(1, &why)) GTEST_SKIP() << "network namespaces not permitted here: " << why;
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);  // a pid that no longer runs
  char dead[32], alive[32];
  std::snprintf(dead, sizeof dead, "cj%lx", static_cast<long>(child));
  std::snprintf(alive, sizeof alive, "cj%lx", static_cast<long>(::getpid()));
  const std::string dead_ns = std::string(dead) + "n0", dead_bridge = std::string(dead) + "x";
  const std::string live_ns = std::string(alive) + "n7";
  ASSERT_TRUE(RunCommand({"ip", "netns", "add", dead_ns}).ok());
  ASSERT_TRUE(RunCommand({"ip", "link", "add", dead_bridge, "type", "bridge"}).ok());
  ASSERT_TRUE(RunCommand({"ip", "netns", "add", live_ns}).ok());

  EXPECT_GE(SweepStaleNamespaces(), 2);
  EXPECT_FALSE(std::filesystem::exists("/run/netns/" + dead_ns));
  EXPECT_FALSE(RunCommand({"ip", "link", "show", dead_bridge}).ok());
  EXPECT_TRUE(std::filesystem::exists("/run/netns/" + live_ns));
  EXPECT_TRUE(RunCommand({"ip", "netns", "del", live_ns}).ok());
}

}  // namespace
}  // namespace coord::jepsen::harness
