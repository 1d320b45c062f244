// ServerState: what the server and all its connections share.
//
// Ownership: held by shared_ptr by the Server and by every connection, so a connection that
// outlives the Server (kept by a Responder a handler still holds) never dangles. It holds no
// strong reference to the io_context (only `io_keepalive`, weak): connections sit in the
// io_context's queues, and a strong reference from them would keep it alive forever.
//
// Thread-safety: options, router and logger are immutable; metrics and tracker are
// thread-safe; the atomics are what they say.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "api/http/detail/connection_tracker.h"
#include "api/http/detail/server_metrics.h"
#include "api/http/log.h"
#include "api/http/metrics.h"
#include "api/http/options.h"
#include "api/http/router.h"

namespace coord::api::http::detail {

struct ServerState {
  ServerState(Options opts, Router r, MetricsRegistry* external_registry,
              std::weak_ptr<void> io)
      : options(std::move(opts)),
        router(std::move(r)),
        logger(options.log_level, options.access_log, options.log_sink),
        owned_registry(external_registry ? nullptr : std::make_unique<MetricsRegistry>()),
        registry(external_registry ? *external_registry : *owned_registry),
        metrics(registry, router),
        tracker(options.max_connections),
        io_keepalive(std::move(io)) {}

  const Options options;
  const Router router;
  const Logger logger;
  const std::unique_ptr<MetricsRegistry> owned_registry;  // when the caller gave none
  MetricsRegistry& registry;
  ServerMetrics metrics;
  ConnectionTracker tracker;
  // The server's io_context, handed (strongly) to each Responder and StreamWriter so that
  // their posts never reach a destroyed io_context.
  const std::weak_ptr<void> io_keepalive;
  std::atomic<size_t> rejecting{0};  // connections being answered 429 right now
  std::atomic<uint64_t> next_connection_id{1};
};

}  // namespace coord::api::http::detail
