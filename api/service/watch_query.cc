#include "api/service/watch_query.h"

#include <string>

#include "api/service/node_json.h"
#include "api/service/query_params.h"

namespace coord::api::service {
namespace {

bool WantsEventStream(const http::Request& req) {
  std::optional<std::string_view> accept = req.headers.Get("Accept");
  return accept && accept->find("text/event-stream") != std::string_view::npos;
}

ApiResult<std::optional<uint64_t>> ZxidFrom(std::optional<std::string_view> text,
                                            std::string_view what) {
  if (!text) return std::optional<uint64_t>();
  std::optional<uint64_t> zxid = ParseUint64(*text);
  if (!zxid) {
    return ApiError(ErrorCode::kInvalidParameter,
                    std::string(what) + " must be a zxid (a decimal number)");
  }
  return std::optional<uint64_t>(*zxid);
}

}  // namespace

ApiResult<WatchQuery> ParseWatchQuery(const http::Request& req, const store::Options& store_limits,
                                      const WatchLimits& limits) {
  if (auto bad = CheckParams(req.query, {"path", "kind", "recursive", "since", "timeout_ms"})) {
    return *bad;
  }
  WatchQuery q;
  q.stream = WantsEventStream(req);

  std::optional<std::string_view> path = req.query.Get("path");
  if (!path) return ApiError(ErrorCode::kInvalidParameter, "query parameter 'path' is required");
  q.spec.path = std::string(*path);
  if (auto bad = CheckPath(q.spec.path, false, store_limits)) return *bad;

  q.spec.kind = watch::WatchKind::kPersistent;
  ApiResult<bool> recursive = BoolParam(req.query, "recursive", false);
  if (!recursive.ok()) return recursive.error();
  if (std::optional<std::string_view> kind = req.query.Get("kind")) {
    std::optional<watch::WatchKind> k = watch::ParseWatchKind(*kind);
    if (!k) {
      return ApiError(ErrorCode::kInvalidParameter,
                      "query parameter 'kind' must be data, children, persistent or recursive");
    }
    if (*recursive && *k != watch::WatchKind::kPersistentRecursive) {
      return ApiError(ErrorCode::kInvalidParameter, "recursive=true contradicts kind=" +
                                                        std::string(*kind));
    }
    q.spec.kind = *k;
  } else if (*recursive) {
    q.spec.kind = watch::WatchKind::kPersistentRecursive;
  }

  ApiResult<std::optional<uint64_t>> since = ZxidFrom(req.query.Get("since"), "query parameter 'since'");
  if (!since.ok()) return since.error();
  q.since = *since;
  if (!q.since && q.stream) {
    ApiResult<std::optional<uint64_t>> last = ZxidFrom(req.headers.Get("Last-Event-ID"), "Last-Event-ID");
    if (!last.ok()) return last.error();
    q.since = *last;
  }

  if (q.stream && req.query.Has("timeout_ms")) {
    return ApiError(ErrorCode::kInvalidParameter, "timeout_ms applies to long-polls, not to streams");
  }
  ApiResult<std::chrono::milliseconds> timeout = PollTimeoutParam(req.query, limits);
  if (!timeout.ok()) return timeout.error();
  q.timeout = *timeout;
  return q;
}

ApiResult<std::chrono::milliseconds> PollTimeoutParam(const http::QueryParams& query,
                                                      const WatchLimits& limits) {
  std::optional<std::string_view> t = query.Get("timeout_ms");
  if (!t) return limits.poll_timeout;
  std::optional<uint64_t> ms = ParseUint64(*t);
  if (!ms || *ms > static_cast<uint64_t>(limits.poll_max.count())) {
    return ApiError(ErrorCode::kInvalidParameter,
                    "query parameter 'timeout_ms' must be a number of milliseconds up to " +
                        std::to_string(limits.poll_max.count()));
  }
  return std::chrono::milliseconds(*ms);
}

ApiResult<std::optional<watch::WatchKind>> ReadWatchParam(const http::QueryParams& query) {
  std::optional<std::string_view> w = query.Get("watch");
  if (!w) return std::optional<watch::WatchKind>();
  if (*w == "data" || *w == "exists") return std::optional<watch::WatchKind>(watch::WatchKind::kData);
  if (*w == "children") return std::optional<watch::WatchKind>(watch::WatchKind::kChildren);
  return ApiError(ErrorCode::kInvalidParameter,
                  "query parameter 'watch' must be data, exists or children");
}

ApiError FromWatch(const watch::Status& status) {
  switch (status.code()) {
    case watch::Code::kCompacted: return ApiError(ErrorCode::kWatchCompacted, status.message());
    case watch::Code::kTooManyWatchers: return ApiError(ErrorCode::kTooManyWatchers, status.message());
    case watch::Code::kWatcherTooSlow: return ApiError(ErrorCode::kWatcherTooSlow, status.message());
    case watch::Code::kSessionEnded: return ApiError(ErrorCode::kSessionExpired, status.message());
    case watch::Code::kInvalidArgument: return ApiError(ErrorCode::kInvalidParameter, status.message());
    default: return ApiError(ErrorCode::kInternal, status.ToString());
  }
}

}  // namespace coord::api::service
