// ProxyNetwork: the "proxy" Network (network.h), for machines where namespaces are not
// permitted. Every node listens on 127.0.0.1; node `from` reaches node `to` through a TCP proxy
// of its own (one per ordered pair), so a link can be cut without touching the others. A cut
// link's proxies close their connections and close every new one at once (the peer sees a
// reset rather than silence: weaker than a real partition, which is why "netns" is preferred).
//
// One I/O thread runs all proxies; Cut hands the new set to it and waits until applied.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "jepsen/harness/network.h"

namespace coord::jepsen::harness {

class ProxyNetwork : public Network {
 public:
  static raft::Result<std::unique_ptr<ProxyNetwork>> Create(int nodes);
  ~ProxyNetwork() override;

  std::string mode() const override { return "proxy"; }
  int nodes() const override { return nodes_; }
  Endpoint client(int i) const override { return {"127.0.0.1", client_ports_[i]}; }
  Endpoint listen_peer(int i) const override { return {"127.0.0.1", peer_ports_[i]}; }
  Endpoint peer_seen_by(int from, int to) const override;
  std::string netns_path(int) const override { return ""; }
  raft::Status Cut(const std::set<Link>& links) override;
  void Teardown() override;

 private:
  struct Impl;
  explicit ProxyNetwork(int nodes);
  const int nodes_;
  std::vector<uint16_t> client_ports_, peer_ports_;
  std::unique_ptr<Impl> impl_;
};

// A port on 127.0.0.1 free right now (bound to port 0, then released).
raft::Result<uint16_t> FreeLoopbackPort();

}  // namespace coord::jepsen::harness
