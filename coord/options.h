// Options: the limits of the store. Every replica must run with the same values, because
// they decide at apply whether a command succeeds: the runtime reads them from the cluster's
// configuration, never from a per-node flag.
#pragma once

#include <cstddef>
#include <cstdint>

namespace coord::store {

struct Options {
  // Longest accepted path in bytes (for sequential nodes: including the 10-digit suffix).
  size_t max_path_bytes = 4096;
  // Largest accepted node data in bytes.
  size_t max_data_bytes = 1 << 20;
  // Session TTLs asked for outside [min, max] are clamped into it, as ZooKeeper negotiates
  // its session timeout; the response says which TTL was granted.
  int64_t min_session_ttl_ms = 1'000;
  int64_t max_session_ttl_ms = 600'000;
  // TTL nodes: a TTL outside [1, max] is rejected (a TTL node's lifetime is the point of
  // creating it, so silently changing it would be a surprise).
  int64_t max_node_ttl_ms = int64_t{365} * 24 * 3600 * 1000;
  // Largest number of ops in one multi.
  size_t max_multi_ops = 1000;
  // Responses kept per session for exactly-once retries (see Store::Dedup*).
  uint32_t max_cached_responses_per_session = 64;
};

}  // namespace coord::store
