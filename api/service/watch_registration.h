// Registering a watch on this node's hub from a route, with the API's errors.
// Thread-safety: any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "api/service/reply.h"
#include "api/service/service_context.h"
#include "watch/watcher.h"

namespace coord::api::service {

ApiResult<std::shared_ptr<watch::Watcher>> RegisterWatch(const ServiceContext& ctx,
                                                         watch::WatchSpec spec,
                                                         std::optional<uint64_t> since,
                                                         uint64_t session_id,
                                                         watch::Watcher::ReadyCallback on_ready);

// As ReplyError, adding `Retry-After` to TOO_MANY_WATCHERS.
void ReplyWatchError(const SharedResponder& responder, const ApiError& error);

}  // namespace coord::api::service
