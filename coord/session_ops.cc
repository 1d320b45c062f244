#include "coord/session_ops.h"

#include <algorithm>
#include <string>

#include "coord/tree_ops.h"

namespace coord::store {

const Session* FindSession(const State& state, uint64_t session_id) {
  return state.sessions.Find(session_id);
}

Result<OpenSessionResult> OpenSession(State& state, const Options& options, const Txn& txn,
                                      const OpenSessionRequest& request) {
  Session s;
  s.id = txn.zxid;
  s.ttl_ms = std::clamp(request.ttl_ms, options.min_session_ttl_ms, options.max_session_ttl_ms);
  s.opened_ms = txn.time_ms;
  state.sessions.Insert(s);
  return OpenSessionResult{s.id, s.ttl_ms, txn.zxid};
}

Result<SessionEndResult> EndSession(State& state, const Txn& txn, uint64_t session_id,
                                    EventList* events) {
  if (session_id == 0 || !FindSession(state, session_id)) {
    return Error(Code::kSessionExpired, "no session " + std::to_string(session_id));
  }
  SessionEndResult result;
  result.zxid = txn.zxid;
  // Collect first: RemoveNode changes the index we would be iterating.
  for (auto it = state.ephemerals.LowerBound(EphemeralKey{session_id, {}});
       it.Valid() && it->owner == session_id; it.Next()) {
    result.deleted.push_back(it->path);
  }
  for (const std::string& path : result.deleted) RemoveNode(state, path, txn.zxid, events);
  DropSessionResponses(state, session_id);
  state.sessions.Erase(session_id);
  return result;
}

}  // namespace coord::store
