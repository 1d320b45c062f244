#include "api/service/watch_registration.h"

#include "api/service/watch_query.h"

namespace coord::api::service {

ApiResult<std::shared_ptr<watch::Watcher>> RegisterWatch(watch::WatchHub* hub,
                                                         watch::WatchSpec spec,
                                                         std::optional<uint64_t> since,
                                                         uint64_t session_id,
                                                         watch::Watcher::ReadyCallback on_ready) {
  watch::WatchHub::Request request;
  request.spec = std::move(spec);
  request.since = since;
  request.session_id = session_id;
  request.on_ready = std::move(on_ready);
  watch::Result<std::shared_ptr<watch::Watcher>> w = hub->Register(std::move(request));
  if (!w.ok()) {
    ApiError e = FromWatch(w.status());
    if (e.code == ErrorCode::kWatchCompacted) {
      e.message += " (oldest resumable since: " + std::to_string(hub->compacted_through()) +
                   "; re-read the state and watch from its zxid)";
    }
    return e;
  }
  return std::move(*w);
}

void ReplyWatchError(const SharedResponder& responder, const ApiError& error) {
  http::Response out = error.ToResponse();
  if (error.code == ErrorCode::kTooManyWatchers) out.headers.Set("Retry-After", "1");
  responder->Send(std::move(out));
}

}  // namespace coord::api::service
