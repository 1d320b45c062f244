// GET /v1/watch: watches over HTTP, as a long-poll (watch_long_poll.h) or, with
// `Accept: text/event-stream`, as Server-Sent Events (watch_stream.h). The query is
// watch_query.h's; docs/api.md has the reference. GET /v1/sessions/<id>/events: the
// notifications of the one-shot watches set by reads (session_watches.h).
#pragma once

#include "api/http/router.h"
#include "api/service/service_context.h"

namespace coord::api::service {

void AddWatchRoutes(http::Router& router, const ServiceContext& context);

}  // namespace coord::api::service
