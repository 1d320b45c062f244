// LongPoll: GET /v1/watch without `Accept: text/event-stream`. Registers a watcher, answers
// as soon as it holds at least one event (everything queued by then, as one reply), or with
// an empty batch at the timeout; either way the reply carries the position to continue from:
//   200 {"events": [...], "zxid": P}   next poll: since=P (nothing is missed or repeated)
// The watcher lives only for the request: positions, not registrations, carry a client from
// one poll to the next (and from one node to another).
//
// Thread-safety: the watcher's callback (apply thread) only posts; draining and answering run
// on the Replica's completion threads under the poll's mutex.
#pragma once

#include "api/service/reply.h"
#include "api/service/service_context.h"
#include "api/service/watch_query.h"

namespace coord::api::service {

void StartLongPoll(const ServiceContext& ctx, WatchQuery query, SharedResponder responder);

}  // namespace coord::api::service
