// ServiceContext: what coord's routes need, handed to each Add*Routes function. The objects
// are owned by Service (service.h) and outlive the HTTP server that runs the routes.
#pragma once

#include <chrono>

#include "api/service/leader_watch.h"
#include "api/service/member_directory.h"
#include "api/service/replica.h"
#include "api/service/session_watches.h"
#include "api/service/watch_query.h"
#include "watch/watch_hub.h"

namespace coord::api::service {

struct ServiceContext {
  Replica* replica = nullptr;
  const LeaderWatch* leader = nullptr;
  MemberDirectory* members = nullptr;
  // /ready: how long the read barrier that proves "caught up" may take.
  std::chrono::milliseconds ready_timeout{1000};
  // This node's watches (watch/watch_hub.h) and the HTTP side's limits on them.
  watch::WatchHub* hub = nullptr;
  WatchLimits watch_limits;
  SessionWatches* session_watches = nullptr;  // one-shot watches set by reads (?watch=)
};

}  // namespace coord::api::service
