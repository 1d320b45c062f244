// The read routes of the namespace:
//   GET  /v1/nodes/<path>                  data and stat
//   GET  /v1/nodes/<path>?children=true    sorted child names (&stats=true: their stats too)
//   HEAD /v1/nodes/<path>                  exists: 200 or 404, no body
// Reads are linearizable by default (a ReadIndex round from any node, then this node's
// applied state); ?consistency=serializable answers from this node's state at once.
// ?encoding=base64 returns data as data_b64 even when it is text. Shapes: docs/api.md.
#pragma once

#include "api/http/router.h"
#include "api/service/service_context.h"

namespace coord::api::service {

void AddNodeReadRoutes(http::Router& router, const ServiceContext& context);

}  // namespace coord::api::service
