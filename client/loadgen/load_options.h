// LoadOptions: what coord-load runs, parsed from its command line (`coord-load --help`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace coord::loadgen {

struct Target {
  std::string host;
  uint16_t port = 0;
};

enum class System { kCoord, kEtcd, kZooKeeper };
enum class Workload { kCreate, kSet, kGetLinearizable, kGetSerializable, kMixed, kChildren, kKeepalive, kWatch };

struct LoadOptions {
  System system = System::kCoord;
  Workload workload = Workload::kGetLinearizable;
  int concurrency = 16;       // connections, each with one request in flight
  double duration_s = 10;     // measured time
  double warmup_s = 1;        // before it, not measured
  uint64_t keys = 1000;       // key space of set / get / mixed
  size_t value_bytes = 100;
  uint64_t prepopulate = 0;   // write keys 0..N-1 before the run (0: none)
  std::vector<Target> targets = {{"127.0.0.1", 7379}};
  bool leader_only = false;   // coord: ask /v1/cluster and send everything to the leader
  int threads = 2;            // I/O threads
  std::string prefix = "/load";  // coord, zookeeper: the parent of the keys; etcd: the key prefix
  std::string json_out;       // also write the results as JSON here
  bool quiet = false;         // no progress line
  int watchers = 100;         // watch: SSE streams on --prefix
};

const char* SystemName(System s);
const char* WorkloadName(Workload w);

// Parses argv; on error or --help returns nullopt with `message` set (the usage for --help).
std::optional<LoadOptions> ParseLoadOptions(int argc, char** argv, std::string* message,
                                            bool* help);

}  // namespace coord::loadgen
