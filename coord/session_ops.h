// Session operations: open, and end (close or expire), applied to a State.
//
// Only ends go through here with deletions: closing and expiring are the same change (the
// session's ephemerals are deleted at the entry's zxid, its cached responses dropped, the
// session removed); they differ in who decided it, the client or the leader's lease keeper.
// Keepalives never reach the state at all (lease_keeper.h). Deterministic.
#pragma once

#include "coord/event.h"
#include "coord/options.h"
#include "coord/requests.h"
#include "coord/state.h"

namespace coord::store {

// The new session's id is txn.zxid; its TTL is the requested one clamped into the options'
// bounds.
Result<OpenSessionResult> OpenSession(State& state, const Options& options, const Txn& txn,
                                      const OpenSessionRequest& request);

// kSessionExpired if the session does not exist.
Result<SessionEndResult> EndSession(State& state, const Txn& txn, uint64_t session_id,
                                    EventList* events);

// The session, or nullptr.
const Session* FindSession(const State& state, uint64_t session_id);

}  // namespace coord::store
