// The session routes:
//   POST   /v1/sessions                  {"ttl_ms": N} -> {"id": "...", "ttl_ms": granted}
//   POST   /v1/sessions/{id}/keepalive   refreshes the leader's deadline (no log entry)
//   DELETE /v1/sessions/{id}             closes it, deleting its ephemerals
//   GET    /v1/sessions/{id}             TTL, the leader's remaining time, owned ephemerals
// Opening and closing are writes through the log. Keepalives are leader calls answered by
// the leader's LeaseKeeper (leader_duties.h), rate limited per session (429 RATE_LIMITED).
// An unknown, closed or expired session is 410 SESSION_EXPIRED. Shapes: docs/api.md.
#pragma once

#include "api/http/router.h"
#include "api/service/service_context.h"

namespace coord::api::service {

// Used when POST /v1/sessions gives no ttl_ms.
inline constexpr int64_t kDefaultSessionTtlMs = 10'000;

void AddSessionRoutes(http::Router& router, const ServiceContext& context);

}  // namespace coord::api::service
