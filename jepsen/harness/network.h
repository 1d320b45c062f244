// Network: where the nodes of a cluster under test listen, and how the harness cuts links
// between them.
//
// Two implementations:
//   NamespaceNetwork ("netns"): every node in its own network namespace with its own address,
//     joined by veth pairs to a bridge the harness creates; a cut link is a pair of blackhole
//     routes inside the two namespaces, so a partition is a real network partition (packets
//     vanish, connections time out). Needs root (CAP_NET_ADMIN) and iproute2.
//   ProxyNetwork ("proxy"): every node on loopback; each node reaches each peer through its
//     own TCP proxy in the harness, and a cut link closes the two proxies' connections and
//     refuses new ones. The fallback where namespaces are not permitted.
// Clients (the harness, in the root namespace) always reach every node, whatever is cut: a
// partition separates nodes from nodes, as Jepsen's does.
//
// Thread-safety: Cut may be called from one thread (the nemesis) while others read addresses.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <utility>

#include "raft/status.h"

namespace coord::jepsen::harness {

struct Endpoint {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
};

// An unordered pair of node indexes (0-based), smaller first.
using Link = std::pair<int, int>;
inline Link MakeLink(int a, int b) { return a < b ? Link{a, b} : Link{b, a}; }

class Network {
 public:
  virtual ~Network() = default;

  virtual std::string mode() const = 0;
  virtual int nodes() const = 0;
  // Where node i serves its HTTP API (and where clients reach it).
  virtual Endpoint client(int i) const = 0;
  // Where node i listens for peers.
  virtual Endpoint listen_peer(int i) const = 0;
  // The address node `from` dials to reach node `to`.
  virtual Endpoint peer_seen_by(int from, int to) const = 0;
  // The namespace node i runs in (/run/netns/<name>), or "" when there is none.
  virtual std::string netns_path(int i) const = 0;

  // Makes exactly `links` unable to carry traffic (both directions); every other link works.
  // Cut({}) heals everything.
  virtual raft::Status Cut(const std::set<Link>& links) = 0;
  // Removes everything the network created. Idempotent; also run by the destructor.
  virtual void Teardown() = 0;
};

// Namespaces if they can be made here, else the proxy; `why_not` says why namespaces were not
// used ("" when they were). `mode`: "auto", "netns" or "proxy" (forced).
raft::Result<std::unique_ptr<Network>> MakeNetwork(const std::string& mode, int nodes,
                                                   std::string* why_not);

// Deletes namespaces, interfaces and bridges left behind by harness processes that no longer
// exist (a harness killed -9 cannot tear down). Returns how many were removed.
int SweepStaleNamespaces();

}  // namespace coord::jepsen::harness
