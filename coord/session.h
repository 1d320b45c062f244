// Session: a client's lease, as the replicated state records it.
//
// What is replicated is only what every replica must agree on: the id, the TTL granted and
// the dedup window. When a session will expire is not replicated: deadlines live in the
// leader's memory (lease_keeper.h), refreshed by keepalives that never reach the log, and a
// session ends only when an entry closing or expiring it is applied.
#pragma once

#include <cstdint>

namespace coord::store {

struct Session {
  // The zxid of the entry that opened it: unique for the cluster's lifetime and increasing,
  // which lets the lease keeper find sessions opened since it last looked with one range scan.
  uint64_t id = 0;
  int64_t ttl_ms = 0;
  int64_t opened_ms = 0;  // leader's time of the open
  // Exactly-once writes (dedup.h): how many responses are cached for this session, and the
  // highest request id whose response was evicted (older ids can no longer be answered).
  uint32_t cached_responses = 0;
  uint64_t dedup_floor = 0;

  bool operator==(const Session&) const = default;
};

struct SessionOrder {
  static int Compare(const Session& a, const Session& b) { return Compare(a, b.id); }
  static int Compare(const Session& a, uint64_t id) {
    return a.id < id ? -1 : (a.id > id ? 1 : 0);
  }
};

}  // namespace coord::store
