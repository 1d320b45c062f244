// Registering a watch on this node's hub from a route, with the API's errors.
// Thread-safety: any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "api/service/reply.h"
#include "watch/watch_hub.h"
#include "watch/watcher.h"

namespace coord::api::service {

ApiResult<std::shared_ptr<watch::Watcher>> RegisterWatch(watch::WatchHub* hub,
                                                         watch::WatchSpec spec,
                                                         std::optional<uint64_t> since,
                                                         uint64_t session_id,
                                                         watch::Watcher::ReadyCallback on_ready);

// As ReplyError, adding `Retry-After` to TOO_MANY_WATCHERS.
void ReplyWatchError(const SharedResponder& responder, const ApiError& error);

}  // namespace coord::api::service
