// POST /v1/txn: the multi operation, all or nothing at one zxid.
//
//   {"session": "17"?, "ops": [{"op": "check"|"create"|"set"|"delete", "path": ...,
//                               "data"|"data_b64": ..., "mode": ..., "ttl_ms": ...,
//                               "version": ...}, ...]}
//
// Ops run in order, each seeing the effects of those before it. Success: 200 with one result
// per op. Refusal: the failing op's status and code, "failed_op" (its index) inside "error",
// and per-op codes in "results" (ops before it ROLLED_BACK, after it NOT_ATTEMPTED). A
// malformed op is refused before anything is proposed, with its index. Coord-Session and
// Idempotency-Key as for every write (write_scope.h). Shapes: docs/api.md.
#pragma once

#include "api/http/router.h"
#include "api/service/service_context.h"

namespace coord::api::service {

void AddTxnRoutes(http::Router& router, const ServiceContext& context);

}  // namespace coord::api::service
