// NamespaceNetwork: the "netns" Network (network.h). Names carry the harness's pid so that a
// sweep can tell the leftovers of a dead harness from those of a live one:
//   namespaces  cj<pid-hex>n<i>    bridge  cj<pid-hex>x    root-side veths  cj<pid-hex>v<i>
// Node i has 10.213.<subnet>.<i+1>/24 on its eth0; the bridge has .254 (the clients' side).
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "jepsen/harness/network.h"

namespace coord::jepsen::harness {

class NamespaceNetwork : public Network {
 public:
  // Creates the bridge, namespaces and veths; undoes what it made on failure.
  static raft::Result<std::unique_ptr<NamespaceNetwork>> Create(int nodes);
  ~NamespaceNetwork() override;

  std::string mode() const override { return "netns"; }
  int nodes() const override { return nodes_; }
  Endpoint client(int i) const override { return {Address(i), kClientPort}; }
  Endpoint listen_peer(int i) const override { return {Address(i), kPeerPort}; }
  Endpoint peer_seen_by(int, int to) const override { return listen_peer(to); }
  std::string netns_path(int i) const override { return "/run/netns/" + Namespace(i); }
  raft::Status Cut(const std::set<Link>& links) override;
  void Teardown() override;

  static constexpr uint16_t kClientPort = 7379;
  static constexpr uint16_t kPeerPort = 7380;

 private:
  NamespaceNetwork(int nodes, std::string tag, int subnet)
      : nodes_(nodes), tag_(std::move(tag)), subnet_(subnet) {}
  raft::Status Build();
  std::string Namespace(int i) const { return "cj" + tag_ + "n" + std::to_string(i); }
  std::string Bridge() const { return "cj" + tag_ + "x"; }
  std::string Veth(int i) const { return "cj" + tag_ + "v" + std::to_string(i); }
  std::string Address(int i) const;

  const int nodes_;
  const std::string tag_;
  const int subnet_;
  std::mutex mu_;
  std::set<Link> cut_;  // GUARDED_BY(mu_)
  bool torn_down_ = false;
};

}  // namespace coord::jepsen::harness
