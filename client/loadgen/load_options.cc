#include "client/loadgen/load_options.h"

#include <cstdlib>
#include <map>
#include <sstream>

namespace coord::loadgen {
namespace {

constexpr const char* kUsage = R"(coord-load: load against coord's HTTP API, etcd's JSON gateway, or ZooKeeper.

  --system coord|etcd|zookeeper   (coord; zookeeper through its C client, one session per
                               client up to 64, get = sync + read; no keepalive)
  --workload create|set|get|get-serializable|mixed|children|keepalive|watch   (get)
                               get = linearizable read; mixed = 90% get, 10% set
                               watch (coord only): --watchers SSE streams watch --prefix
                               recursively while --concurrency connections set its existing
                               keys (needs --prepopulate) and one probe connection writes
                               <prefix>/watch-probe in sequence; reports events delivered/s
                               over all streams, the delivery latency (probe write sent ->
                               event read by each stream), the writes/s, and checks that every
                               stream got the same zxids
  --watchers N                 watch: streams, spread over --targets (100)
  --concurrency N              connections, one request in flight each (16)
  --duration S, --warmup S     measured seconds (10), unmeasured seconds before (1)
  --keys N                     key space of set/get/mixed (1000)
  --value-bytes N              (100)
  --prepopulate N              write keys 0..N-1 first (0)
  --targets HOST:PORT,...      spread connections over these (127.0.0.1:7379)
  --leader-only                coord: send everything to the leader named by /v1/cluster
  --threads N                  I/O threads (2)
  --prefix P                   coord, zookeeper: parent path of the keys; etcd: key prefix (/load)
  --json FILE                  also write the results as JSON
  --quiet                      no progress line
)";

bool ParseTargets(const std::string& text, std::vector<Target>* out) {
  out->clear();
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    const size_t colon = part.rfind(':');
    if (colon == std::string::npos) return false;
    const int port = std::atoi(part.substr(colon + 1).c_str());
    if (port <= 0 || port > 65535) return false;
    out->push_back({part.substr(0, colon), static_cast<uint16_t>(port)});
  }
  return !out->empty();
}

}  // namespace

const char* SystemName(System s) {
  switch (s) {
    case System::kCoord: return "coord";
    case System::kEtcd: return "etcd";
    case System::kZooKeeper: return "zookeeper";
  }
  return "?";
}

const char* WorkloadName(Workload w) {
  switch (w) {
    case Workload::kCreate: return "create";
    case Workload::kSet: return "set";
    case Workload::kGetLinearizable: return "get";
    case Workload::kGetSerializable: return "get-serializable";
    case Workload::kMixed: return "mixed";
    case Workload::kChildren: return "children";
    case Workload::kKeepalive: return "keepalive";
    case Workload::kWatch: return "watch";
  }
  return "?";
}

std::optional<LoadOptions> ParseLoadOptions(int argc, char** argv, std::string* message, bool* help) {
  LoadOptions o;
  *help = false;
  static const std::map<std::string, Workload> kWorkloads = {
      {"create", Workload::kCreate}, {"set", Workload::kSet}, {"get", Workload::kGetLinearizable},
      {"get-serializable", Workload::kGetSerializable}, {"mixed", Workload::kMixed},
      {"children", Workload::kChildren}, {"keepalive", Workload::kKeepalive},
      {"watch", Workload::kWatch}};
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      *help = true;
      *message = kUsage;
      return std::nullopt;
    }
    if (flag == "--leader-only") { o.leader_only = true; continue; }
    if (flag == "--quiet") { o.quiet = true; continue; }
    if (i + 1 >= argc) {
      *message = flag + " needs a value (coord-load --help)";
      return std::nullopt;
    }
    const std::string v = argv[++i];
    char* end = nullptr;
    const double num = std::strtod(v.c_str(), &end);
    const bool numeric = end != v.c_str() && *end == '\0' && num >= 0;
    auto need_number = [&] {
      if (!numeric) *message = flag + ": not a non-negative number: " + v;
      return numeric;
    };
    if (flag == "--system") {
      if (v == "coord") o.system = System::kCoord;
      else if (v == "etcd") o.system = System::kEtcd;
      else if (v == "zookeeper") o.system = System::kZooKeeper;
      else { *message = "--system must be coord, etcd or zookeeper"; return std::nullopt; }
    } else if (flag == "--workload") {
      auto it = kWorkloads.find(v);
      if (it == kWorkloads.end()) { *message = "unknown --workload " + v; return std::nullopt; }
      o.workload = it->second;
    } else if (flag == "--targets") {
      if (!ParseTargets(v, &o.targets)) { *message = "--targets: HOST:PORT,... expected"; return std::nullopt; }
    } else if (flag == "--prefix") {
      o.prefix = v;
    } else if (flag == "--json") {
      o.json_out = v;
    } else {
      if (!need_number()) return std::nullopt;
      if (flag == "--concurrency") o.concurrency = static_cast<int>(num);
      else if (flag == "--duration") o.duration_s = num;
      else if (flag == "--warmup") o.warmup_s = num;
      else if (flag == "--keys") o.keys = static_cast<uint64_t>(num);
      else if (flag == "--value-bytes") o.value_bytes = static_cast<size_t>(num);
      else if (flag == "--prepopulate") o.prepopulate = static_cast<uint64_t>(num);
      else if (flag == "--threads") o.threads = static_cast<int>(num);
      else if (flag == "--watchers") o.watchers = static_cast<int>(num);
      else { *message = "unknown flag " + flag + " (coord-load --help)"; return std::nullopt; }
    }
  }
  if (o.concurrency < 1 || o.threads < 1 || o.keys < 1) {
    *message = "--concurrency, --threads and --keys must be at least 1";
    return std::nullopt;
  }
  if (o.workload == Workload::kWatch) {
    if (o.system != System::kCoord) {
      *message = std::string("--workload watch is coord-only (it reads coord's SSE watch streams), not ") +
                 SystemName(o.system);
      return std::nullopt;
    }
    if (o.watchers < 1) {
      *message = "--watchers must be at least 1";
      return std::nullopt;
    }
    // Its writers set existing keys: without them every write would be a 404 and no event.
    if (o.prepopulate < o.keys) {
      *message = "--workload watch sets existing keys: pass --prepopulate N with N >= --keys";
      return std::nullopt;
    }
  }
  if (o.system == System::kEtcd &&
      (o.workload == Workload::kChildren || o.workload == Workload::kKeepalive)) {
    *message = std::string("--workload ") + WorkloadName(o.workload) + " is coord-only";
    return std::nullopt;
  }
  if (o.system == System::kZooKeeper && o.workload == Workload::kKeepalive) {
    *message = "--workload keepalive has no ZooKeeper equivalent (its sessions ping on their own)";
    return std::nullopt;
  }
  return o;
}

}  // namespace coord::loadgen
