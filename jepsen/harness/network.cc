#include "jepsen/harness/network.h"

#include <unistd.h>

#include "jepsen/harness/namespace_network.h"
#include "jepsen/harness/proxy_network.h"

namespace coord::jepsen::harness {

raft::Result<std::unique_ptr<Network>> MakeNetwork(const std::string& mode, int nodes,
                                                   std::string* why_not) {
  why_not->clear();
  if (mode != "auto" && mode != "netns" && mode != "proxy") {
    return raft::Status::InvalidArgument("--net must be auto, netns or proxy, not " + mode);
  }
  if (mode != "proxy") {
    if (::geteuid() != 0) {
      *why_not = "not root (network namespaces need CAP_NET_ADMIN)";
    } else {
      SweepStaleNamespaces();
      auto ns = NamespaceNetwork::Create(nodes);
      if (ns.ok()) return std::unique_ptr<Network>(std::move(*ns));
      *why_not = ns.status().message();
    }
    if (mode == "netns") return raft::Status::IOError("network namespaces: " + *why_not);
  } else {
    *why_not = "--net proxy";
  }
  auto proxy = ProxyNetwork::Create(nodes);
  if (!proxy.ok()) return proxy.status();
  return std::unique_ptr<Network>(std::move(*proxy));
}

}  // namespace coord::jepsen::harness
