// WatchStream: GET /v1/watch with `Accept: text/event-stream`. One SSE message per write the
// watch matches, until the client goes away, the watch ends, or it is cut:
//
//   id: <zxid>                 a message per write: data {"zxid", "events": [...]}; a multi's
//   data: {...}                events come together in one message
//
//   event: progress            a bookmark for an idle watcher (the node's zxid moved on)
//   id: <zxid>
//   data: {"zxid": P}
//
//   event: end                 the last message: why the stream ends, and where to resume
//   data: {"code", "message", "resume_since": P}     (code "FIRED" for a one-shot that fired)
//
// Every `id` is a position: reconnecting with Last-Event-ID (or since=) resumes with no gap
// and no repeat, on this node or another. A comment line goes out every
// WatchLimits::stream_heartbeat, so a vanished client is noticed by a failed write.
//
// Slow consumers: what the socket does not take stays in the watcher's bounded queue (the
// stream stops draining while the connection's buffer is full), so a client that does not
// read is cut with WATCHER_TOO_SLOW instead of growing the server's memory.
//
// Thread-safety: the watcher's and the stream's callbacks only post; pumping runs on the
// Replica's completion threads under the stream's mutex.
#pragma once

#include "api/service/reply.h"
#include "api/service/service_context.h"
#include "api/service/watch_query.h"

namespace coord::api::service {

void StartWatchStream(const ServiceContext& ctx, WatchQuery query, SharedResponder responder);

}  // namespace coord::api::service
