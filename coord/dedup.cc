#include "coord/dedup.h"

#include "coord/state.h"
#include "raft/invariant.h"

namespace coord::store {

DedupVerdict CheckDedup(const State& state, uint64_t session_id, uint64_t request_id) {
  DedupVerdict v;
  if (session_id == 0 || request_id == 0) return v;
  const Session* session = state.sessions.Find(session_id);
  if (!session) {
    v.kind = DedupVerdict::Kind::kNoSession;
    return v;
  }
  if (const CachedResponse* hit = state.dedup.Find(DedupKey{session_id, request_id})) {
    v.kind = DedupVerdict::Kind::kReplay;
    v.cached = hit->response;
    return v;
  }
  if (request_id <= session->dedup_floor) v.kind = DedupVerdict::Kind::kStale;
  return v;
}

void CacheResponse(State& state, const Options& options, uint64_t session_id,
                   uint64_t request_id, std::string response) {
  const Session* session = state.sessions.Find(session_id);
  COORD_INVARIANT(session && request_id != 0, "dedup.cache_live_session",
                  "session " + std::to_string(session_id));
  Session updated = *session;
  state.dedup.Insert(CachedResponse{session_id, request_id,
                                    std::make_shared<const std::string>(std::move(response))});
  ++updated.cached_responses;
  while (updated.cached_responses > options.max_cached_responses_per_session) {
    auto oldest = state.dedup.LowerBound(DedupKey{session_id, 0});
    COORD_INVARIANT(oldest.Valid() && oldest->session_id == session_id, "dedup.count",
                    "session " + std::to_string(session_id));
    uint64_t evicted = oldest->request_id;
    state.dedup.Erase(DedupKey{session_id, evicted});
    updated.dedup_floor = std::max(updated.dedup_floor, evicted);
    --updated.cached_responses;
  }
  state.sessions.Insert(updated);
}

void DropSessionResponses(State& state, uint64_t session_id) {
  std::vector<uint64_t> ids;
  for (auto it = state.dedup.LowerBound(DedupKey{session_id, 0});
       it.Valid() && it->session_id == session_id; it.Next()) {
    ids.push_back(it->request_id);
  }
  for (uint64_t id : ids) state.dedup.Erase(DedupKey{session_id, id});
}

}  // namespace coord::store
