#include "jepsen/harness/namespace_network.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <sstream>

#include "jepsen/harness/shell_command.h"

namespace coord::jepsen::harness {

namespace {

std::string PidTag(long pid) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%lx", pid);
  return buf;
}

bool SubnetInUse(int subnet) {
  auto out = RunCommand({"ip", "-o", "-4", "addr", "show", "to",
                         "10.213." + std::to_string(subnet) + ".0/24"});
  return !out.ok() || !out->empty();
}

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string w;
    if (words >> w) out.push_back(w);
  }
  return out;
}

// The pid encoded in a name "cj<hex>n<i>", "cj<hex>x", "cj<hex>v<i>"; -1 if not ours.
long OwnerPid(std::string name) {
  if (name.rfind("cj", 0) != 0) return -1;
  name = name.substr(2);
  size_t end = name.find_first_of("nvx");
  if (end == std::string::npos) return -1;
  std::string hex = name.substr(0, end);
  if (hex.empty() || hex.find_first_not_of("0123456789abcdef") != std::string::npos) return -1;
  return std::stol(hex, nullptr, 16);
}

bool Alive(long pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

}  // namespace

std::string NamespaceNetwork::Address(int i) const {
  return "10.213." + std::to_string(subnet_) + "." + std::to_string(i + 1);
}

raft::Result<std::unique_ptr<NamespaceNetwork>> NamespaceNetwork::Create(int nodes) {
  const long pid = ::getpid();
  int subnet = static_cast<int>(pid % 250) + 1;
  for (int tries = 0; tries < 250 && SubnetInUse(subnet); ++tries) subnet = subnet % 250 + 1;
  std::unique_ptr<NamespaceNetwork> net(new NamespaceNetwork(nodes, PidTag(pid), subnet));
  raft::Status s = net->Build();
  if (!s.ok()) {
    net->Teardown();
    return s;
  }
  return net;
}

raft::Status NamespaceNetwork::Build() {
  const std::string prefix = "10.213." + std::to_string(subnet_) + ".";
  std::vector<std::vector<std::string>> steps = {
      {"ip", "link", "add", Bridge(), "type", "bridge"},
      {"ip", "addr", "add", prefix + "254/24", "dev", Bridge()},
      {"ip", "link", "set", Bridge(), "up"},
  };
  for (int i = 0; i < nodes_; ++i) {
    const std::string ns = Namespace(i);
    std::vector<std::vector<std::string>> node = {
        {"ip", "netns", "add", ns},
        {"ip", "link", "add", Veth(i), "type", "veth", "peer", "name", "eth0", "netns", ns},
        {"ip", "link", "set", Veth(i), "master", Bridge(), "up"},
        {"ip", "-n", ns, "addr", "add", Address(i) + "/24", "dev", "eth0"},
        {"ip", "-n", ns, "link", "set", "eth0", "up"},
        {"ip", "-n", ns, "link", "set", "lo", "up"},
    };
    steps.insert(steps.end(), node.begin(), node.end());
  }
  for (const auto& step : steps) {
    auto r = RunCommand(step);
    if (!r.ok()) return r.status();
  }
  return raft::Status::Ok();
}

NamespaceNetwork::~NamespaceNetwork() { Teardown(); }

raft::Status NamespaceNetwork::Cut(const std::set<Link>& links) {
  std::lock_guard<std::mutex> lock(mu_);
  if (torn_down_) return raft::Status::Shutdown("network torn down");
  // Blackhole routes: a /32 beats the subnet's connected route, and packets to the peer vanish
  // (its replies to us too, since we blackhole our answers to it).
  auto route = [&](const char* verb, int from, int to) {
    return RunCommand({"ip", "-n", Namespace(from), "route", verb, "blackhole", Address(to) + "/32"});
  };
  for (const Link& l : cut_) {
    if (links.count(l)) continue;
    auto a = route("del", l.first, l.second);
    auto b = route("del", l.second, l.first);
    if (!a.ok()) return a.status();
    if (!b.ok()) return b.status();
  }
  for (const Link& l : links) {
    if (cut_.count(l)) continue;
    auto a = route("add", l.first, l.second);
    auto b = route("add", l.second, l.first);
    if (!a.ok()) return a.status();
    if (!b.ok()) return b.status();
  }
  cut_ = links;
  return raft::Status::Ok();
}

void NamespaceNetwork::Teardown() {
  std::lock_guard<std::mutex> lock(mu_);
  if (torn_down_) return;
  torn_down_ = true;
  // Deleting a namespace deletes its end of the veth, and with it the root-side end.
  for (int i = 0; i < nodes_; ++i) (void)RunCommand({"ip", "netns", "del", Namespace(i)});
  for (int i = 0; i < nodes_; ++i) (void)RunCommand({"ip", "link", "del", Veth(i)});
  (void)RunCommand({"ip", "link", "del", Bridge()});
}

int SweepStaleNamespaces() {
  int removed = 0;
  auto netns = RunCommand({"ip", "netns", "list"});
  if (netns.ok()) {
    for (const std::string& name : Words(*netns)) {
      long pid = OwnerPid(name);
      if (pid <= 0 || Alive(pid)) continue;
      if (RunCommand({"ip", "netns", "del", name}).ok()) ++removed;
    }
  }
  auto links = RunCommand({"ip", "-o", "link", "show"});
  if (links.ok()) {
    std::istringstream in(*links);
    std::string line;
    while (std::getline(in, line)) {
      // "12: cj1f2ax: <BROADCAST,...": the second word without its colon.
      std::istringstream words(line);
      std::string index, name;
      if (!(words >> index >> name)) continue;
      if (!name.empty() && name.back() == ':') name.pop_back();
      name = name.substr(0, name.find('@'));
      long pid = OwnerPid(name);
      if (pid <= 0 || Alive(pid)) continue;
      if (RunCommand({"ip", "link", "del", name}).ok()) ++removed;
    }
  }
  return removed;
}

}  // namespace coord::jepsen::harness
