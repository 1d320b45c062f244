#include "jepsen/harness/nemesis.h"

#include <algorithm>
#include <sstream>

namespace coord::jepsen::harness {

namespace {

int Id(int index) { return index + 1; }

Json Ids(const std::vector<int>& nodes) {
  Json out = Json::array();
  for (int n : nodes) out.push_back(Id(n));
  return out;
}

Json LinksJson(const std::set<Link>& links) {
  Json out = Json::array();
  for (const Link& l : links) out.push_back({Id(l.first), Id(l.second)});
  return out;
}

// Every link between a node of `a` and a node of `b`.
std::set<Link> Between(const std::vector<int>& a, const std::vector<int>& b) {
  std::set<Link> out;
  for (int x : a) {
    for (int y : b) out.insert(MakeLink(x, y));
  }
  return out;
}

}  // namespace

const std::vector<std::string>& KnownFaults() {
  static const std::vector<std::string> kFaults = {"kill", "pause", "partition", "clock"};
  return kFaults;
}

raft::Result<std::set<std::string>> ParseFaults(const std::string& text) {
  std::set<std::string> out;
  if (text == "none" || text.empty()) return out;
  if (text == "all") return std::set<std::string>(KnownFaults().begin(), KnownFaults().end());
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (std::find(KnownFaults().begin(), KnownFaults().end(), item) == KnownFaults().end()) {
      return raft::Status::InvalidArgument("unknown fault \"" + item +
                                           "\" (known: kill, pause, partition, clock, all, none)");
    }
    out.insert(item);
  }
  return out;
}

Nemesis::Nemesis(Cluster* cluster, Network* network, const RunClock* clock,
                 NemesisLogWriter* log, NemesisOptions options)
    : cluster_(cluster), network_(network), clock_(clock), log_(log),
      options_(std::move(options)), rng_(options_.seed) {}

Nemesis::~Nemesis() { Stop(); }

void Nemesis::Start() {
  if (options_.faults.empty()) return;
  thread_ = std::thread([this] { Loop(); });
}

void Nemesis::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string Nemesis::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

void Nemesis::SetCurrent(std::string what) {
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(what);
}

bool Nemesis::Wait(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopping_; });
}

std::chrono::milliseconds Nemesis::Uniform(std::chrono::milliseconds lo,
                                           std::chrono::milliseconds hi) {
  if (hi <= lo) return lo;
  std::uniform_int_distribution<int64_t> d(lo.count(), hi.count());
  return std::chrono::milliseconds(d(rng_));
}

void Nemesis::Log(bool start, const std::string& fault, Json detail) {
  FaultEvent e;
  e.time = clock_->Now();
  e.start = start;
  e.fault = fault;
  e.detail = std::move(detail);
  (void)log_->Append(e);
}

std::vector<int> Nemesis::Shuffled() {
  std::vector<int> nodes(cluster_->size());
  for (int i = 0; i < cluster_->size(); ++i) nodes[i] = i;
  std::shuffle(nodes.begin(), nodes.end(), rng_);
  return nodes;
}

int Nemesis::LeaderOrRandom() {
  std::optional<int> leader = cluster_->Leader();
  if (leader) return *leader;
  return Shuffled().front();
}

void Nemesis::Loop() {
  std::vector<std::string> kinds(options_.faults.begin(), options_.faults.end());
  while (Wait(Uniform(options_.calm_min, options_.calm_max))) {
    const std::string kind = kinds[std::uniform_int_distribution<size_t>(0, kinds.size() - 1)(rng_)];
    const auto hold = Uniform(options_.hold_min, options_.hold_max);
    ++injected_;
    if (kind == "kill") Kill(hold);
    else if (kind == "pause") Pause(hold);
    else if (kind == "partition") Partition(hold);
    else Clock(hold);
    SetCurrent("calm");
  }
}

void Nemesis::Kill(std::chrono::milliseconds hold) {
  std::vector<int> nodes = Shuffled();
  std::string target;
  switch (std::uniform_int_distribution<int>(0, 2)(rng_)) {
    case 0: target = "random"; nodes.resize(1); break;
    case 1: target = "leader"; nodes = {LeaderOrRandom()}; break;
    default: target = "majority"; nodes.resize(cluster_->size() / 2 + 1); break;
  }
  for (int n : nodes) cluster_->Kill(n);
  Log(true, "kill", {{"target", target}, {"nodes", Ids(nodes)}});
  SetCurrent("kill " + target);
  Wait(hold);
  for (int n : nodes) (void)cluster_->Start(n);
  Log(false, "kill", nullptr);
}

void Nemesis::Pause(std::chrono::milliseconds hold) {
  bool leader = std::uniform_int_distribution<int>(0, 1)(rng_) == 1;
  int node = leader ? LeaderOrRandom() : Shuffled().front();
  cluster_->Pause(node);
  Log(true, "pause", {{"target", leader ? "leader" : "random"}, {"nodes", Ids({node})}});
  SetCurrent(std::string("pause ") + (leader ? "leader" : "random"));
  Wait(hold);
  cluster_->Resume(node);
  Log(false, "pause", nullptr);
}

void Nemesis::Partition(std::chrono::milliseconds hold) {
  const int n = cluster_->size();
  static const char* kTopologies[] = {"halves", "isolate-leader", "bridge", "random-links",
                                      "flapping"};
  const std::string topology = kTopologies[std::uniform_int_distribution<int>(0, 4)(rng_)];
  auto halves = [&](std::vector<int>* minority, std::vector<int>* majority) {
    std::vector<int> nodes = Shuffled();
    minority->assign(nodes.begin(), nodes.begin() + n / 2);
    majority->assign(nodes.begin() + n / 2, nodes.end());
  };
  std::set<Link> cut;
  Json detail = {{"topology", topology}};
  if (topology == "halves" || topology == "flapping") {
    std::vector<int> minority, majority;
    halves(&minority, &majority);
    cut = Between(minority, majority);
    detail["groups"] = {Ids(minority), Ids(majority)};
  } else if (topology == "isolate-leader") {
    int leader = LeaderOrRandom();
    std::vector<int> rest;
    for (int i = 0; i < n; ++i) {
      if (i != leader) rest.push_back(i);
    }
    cut = Between({leader}, rest);
    detail["groups"] = {Ids({leader}), Ids(rest)};
  } else if (topology == "bridge") {
    std::vector<int> nodes = Shuffled();
    std::vector<int> a(nodes.begin(), nodes.begin() + n / 2);
    std::vector<int> b(nodes.begin() + n / 2 + 1, nodes.end());
    cut = Between(a, b);
    detail["bridge"] = Id(nodes[n / 2]);
  } else {  // random-links: each link cut with probability 1/2, at least one
    std::vector<Link> all;
    for (int a = 0; a < n; ++a) {
      for (int b = a + 1; b < n; ++b) all.push_back({a, b});
    }
    std::shuffle(all.begin(), all.end(), rng_);
    cut.insert(all.front());
    for (size_t i = 1; i < all.size(); ++i) {
      if (std::uniform_int_distribution<int>(0, 1)(rng_)) cut.insert(all[i]);
    }
  }
  detail["cut"] = LinksJson(cut);
  (void)network_->Cut(cut);
  Log(true, "partition", detail);
  SetCurrent("partition " + topology);
  if (topology != "flapping") {
    Wait(hold);
  } else {
    // Alternates cut and healed (fresh random halves each time) until the hold is over.
    const auto end = std::chrono::steady_clock::now() + hold;
    bool healed = false;
    while (std::chrono::steady_clock::now() < end &&
           Wait(Uniform(std::chrono::milliseconds(200), std::chrono::milliseconds(700)))) {
      if (healed) {
        std::vector<int> minority, majority;
        halves(&minority, &majority);
        (void)network_->Cut(Between(minority, majority));
      } else {
        (void)network_->Cut({});
      }
      healed = !healed;
    }
  }
  (void)network_->Cut({});
  Log(false, "partition", nullptr);
}

void Nemesis::Clock(std::chrono::milliseconds hold) {
  int node = Shuffled().front();
  int64_t offset = std::uniform_int_distribution<int64_t>(-options_.clock_max_ms,
                                                          options_.clock_max_ms)(rng_);
  // The node jumps by `offset` when it comes back (the runtime reads the clock continuously,
  // so a shift of a live process is a restart with another offset).
  cluster_->Kill(node);
  cluster_->SetClockOffset(node, offset);
  (void)cluster_->Start(node);
  Log(true, "clock", {{"nodes", Ids({node})}, {"offset_ms", offset}});
  SetCurrent("clock " + std::to_string(offset) + " ms");
  Wait(hold);
  cluster_->Kill(node);
  cluster_->SetClockOffset(node, 0);
  (void)cluster_->Start(node);
  Log(false, "clock", nullptr);
}

}  // namespace coord::jepsen::harness
