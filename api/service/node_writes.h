// The write routes of the namespace:
//   POST   /v1/nodes/<path>   create (body: data | data_b64, mode, session, ttl_ms;
//                             ?parents=true creates missing ancestors in the same transaction)
//   PUT    /v1/nodes/<path>   set data (body: data | data_b64; ?version=N compare-and-set)
//   DELETE /v1/nodes/<path>   delete (?version=N; ?recursive=true deletes the subtree in one
//                             transaction, at most the store's max_multi_ops nodes)
// Every write is checked before anything is proposed (path, fields, data size), proposed
// through the Replica (any node; followers forward to the leader) and answered once applied
// here. Headers Coord-Session and Idempotency-Key: write_scope.h. Shapes: docs/api.md.
#pragma once

#include "api/http/router.h"
#include "api/service/service_context.h"

namespace coord::api::service {

void AddNodeWriteRoutes(http::Router& router, const ServiceContext& context);

}  // namespace coord::api::service
