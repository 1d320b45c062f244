// WatchQuery: what GET /v1/watch (and ?watch= on reads) asks for, parsed strictly from the
// query string and headers, and the mapping of the watch module's refusals to API errors.
//
//   path=/a           the watched path (required for /v1/watch)
//   kind=data|children|persistent|recursive
//                     default persistent; `recursive=true` is shorthand for kind=recursive
//   since=<zxid>      deliver the events after this zxid; absent: from the node's current
//                     zxid. For SSE, the Last-Event-ID header stands in when since is absent.
//   timeout_ms=<n>    long-poll only: how long to wait for a first event (default and maximum
//                     are the node's --watch-poll-timeout-ms and --watch-poll-max-ms)
//
// Pure and thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "api/http/request.h"
#include "api/service/api_error.h"
#include "coord/options.h"
#include "watch/status.h"
#include "watch/watch_spec.h"

namespace coord::api::service {

struct WatchLimits {
  std::chrono::milliseconds poll_timeout{30'000};      // long-poll wait when timeout_ms is absent
  std::chrono::milliseconds poll_max{300'000};         // largest timeout_ms accepted
  std::chrono::milliseconds stream_heartbeat{15'000};  // SSE comment when nothing else is sent
  // Bytes a stream may have written but not yet sent to a client before it stops draining its
  // watcher (whose bounded queue then cuts it if the client stays behind).
  size_t stream_buffer_bytes = 256 << 10;
};

struct WatchQuery {
  watch::WatchSpec spec;
  std::optional<uint64_t> since;
  std::chrono::milliseconds timeout{0};
  bool stream = false;  // Accept: text/event-stream
};

ApiResult<WatchQuery> ParseWatchQuery(const http::Request& req, const store::Options& store_limits,
                                      const WatchLimits& limits);

// `?timeout_ms=` of a long-poll: `limits.poll_timeout` when absent, at most `limits.poll_max`.
ApiResult<std::chrono::milliseconds> PollTimeoutParam(const http::QueryParams& query,
                                                      const WatchLimits& limits);

// `?watch=data|exists|children` on GET /v1/nodes/<path>: the one-shot kind, or nullopt when
// the parameter is absent. `exists` is ZooKeeper's name for a data watch on a node that may
// not exist yet; both are kData here.
ApiResult<std::optional<watch::WatchKind>> ReadWatchParam(const http::QueryParams& query);

// The watch module's refusals as API errors (the table in docs/api.md).
ApiError FromWatch(const watch::Status& status);

}  // namespace coord::api::service
