// Dedup table: exactly-once writes for retried requests.
//
// A client that does not know whether its write was applied (a timeout, a leader change)
// retries it with the same (session id, request id). The first apply executes it and caches
// the encoded response; a retry finds the cached response and returns it unchanged, zxid
// included, instead of executing again. This is LogCabin's scheme, bounded differently: each
// session keeps its last Options::max_cached_responses_per_session responses (by request id);
// evicting one raises the session's dedup floor, and a request id at or below the floor that
// is not cached is refused with kStaleRequest, because we can no longer tell whether it ran.
// The cache is part of the replicated state (and of snapshots) and ends with its session.
//
// Request ids are chosen by the client, increasing per session; 0 means "no dedup".
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "coord/options.h"
#include "coord/persistent_set.h"
#include "coord/status.h"

namespace coord::store {

struct State;

struct CachedResponse {
  uint64_t session_id = 0;
  uint64_t request_id = 0;
  // Shared so that copying a leaf of the table (path copying) does not copy responses.
  std::shared_ptr<const std::string> response;
};
struct DedupKey {
  uint64_t session_id;
  uint64_t request_id;
};
struct DedupOrder {
  static int Compare(const CachedResponse& a, const DedupKey& b) {
    if (a.session_id != b.session_id) return a.session_id < b.session_id ? -1 : 1;
    if (a.request_id != b.request_id) return a.request_id < b.request_id ? -1 : 1;
    return 0;
  }
  static int Compare(const CachedResponse& a, const CachedResponse& b) {
    return Compare(a, DedupKey{b.session_id, b.request_id});
  }
};
using DedupTable = PersistentSet<CachedResponse, DedupOrder>;

// What a write carrying (session, request) ids should do before executing.
struct DedupVerdict {
  enum class Kind {
    kExecute,     // new request (or no dedup asked): execute, then call CacheResponse
    kReplay,      // answered before: return *cached
    kStale,       // too old to tell: answer kStaleRequest
    kNoSession,   // the session does not exist: execute (it will fail with kSessionExpired)
  };
  Kind kind = Kind::kExecute;
  std::shared_ptr<const std::string> cached;
};

DedupVerdict CheckDedup(const State& state, uint64_t session_id, uint64_t request_id);

// Caches `response` for (session, request), evicting the session's oldest response when over
// the limit. REQUIRES: CheckDedup said kExecute and request_id != 0.
void CacheResponse(State& state, const Options& options, uint64_t session_id,
                   uint64_t request_id, std::string response);

// Drops every cached response of a session (it was closed or expired).
void DropSessionResponses(State& state, uint64_t session_id);

}  // namespace coord::store
