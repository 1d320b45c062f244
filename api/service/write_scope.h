// WriteScope: which session a write acts for and its request id, from the request headers.
//
//   Coord-Session: <session id>   the session the write acts for: it owns the ephemerals the
//                                 write creates, and scopes the request id. A create's body
//                                 field "session" and a transaction's "session" say the same
//                                 (both may be given if they agree).
//   Idempotency-Key: <n>          a positive integer, unique per session and increasing
//                                 (the dedup table keeps each session's last 64 answers and
//                                 refuses older ids it no longer holds: 409 STALE_REQUEST).
//                                 Requires a session: the dedup table is replicated state that
//                                 lives and expires with its session.
//
// A write carrying both is executed at most once: a retry with the same (session, key)
// answers the first execution's result, byte for byte (zxid included), even through a
// failover. Pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "api/http/headers.h"
#include "api/service/api_error.h"
#include "coord/codec.h"

namespace coord::api::service {

inline constexpr char kSessionHeader[] = "Coord-Session";
inline constexpr char kIdempotencyHeader[] = "Idempotency-Key";

struct WriteScope {
  uint64_t session_id = 0;
  uint64_t request_id = 0;
};

ApiResult<WriteScope> ParseWriteScope(const http::Headers& headers,
                                      std::optional<uint64_t> body_session);

// The header to stamp on the write's command; `now_ms` is this node's clock.
store::CommandHeader CommandHeaderFor(const WriteScope& scope, int64_t now_ms);

}  // namespace coord::api::service
