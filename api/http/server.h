// Server: an asynchronous HTTP/1.1 server (Boost.Beast on Boost.Asio) that serves a Router.
//
// It knows nothing of coord's data model: it parses, enforces the limits in Options, routes,
// answers its own errors as JSON (error.h), records metrics, and hands each routed request to
// its handler with a Responder.
//
//   MetricsRegistry metrics;
//   Router router;
//   router.Add(Method::kGet, "/v1/status", SyncHandler([](const Request&) {
//     return Response::Json(200, {{"ok", true}});
//   }));
//   AddMetricsRoute(router, metrics);
//   Server server(Options{}, std::move(router), &metrics);
//   if (Status s = server.Start(); !s.ok()) ...
//   ...
//   server.Stop(std::chrono::seconds(5));
//
// Threading model: Options::threads threads all run one io_context. Each connection is bound
// to its own strand, which owns all of its state and runs its handlers, so one connection is
// never processed by two threads at once while different connections use all the cores. No
// thread is dedicated to a connection. Handlers run on that strand and must not block; see
// Responder for answering later from another thread, StreamWriter for streams.
//
// Keep-alive and pipelining: a connection serves requests one at a time, in order, reading
// the next only after the current response is written (see connection.cc).
//
// Thread-safety: Start(), Stop() and the destructor are called by the owner, from one thread
// at a time, never from a handler. port(), active_connections() and metrics() are safe from
// any thread once Start() has returned.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "api/http/metrics.h"
#include "api/http/options.h"
#include "api/http/router.h"
#include "raft/status.h"

namespace coord::api::http {

class Server {
 public:
  // `metrics` receives the server's metrics (see detail/server_metrics.h) and must outlive the
  // Server; null gives the server a registry of its own (metrics()). Routes are fixed here.
  Server(Options options, Router router, MetricsRegistry* metrics = nullptr);
  // Stop()s with a 5 s deadline if still running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the I/O threads. Errors:
  //   InvalidArgument  Options::address is not a numeric IPv4/IPv6 address; Start() called twice
  //   IOError          open, bind or listen failed, e.g. "bind 127.0.0.1:8080: Address already
  //                    in use" (the message names the address and the system's reason)
  // A Server is started at most once; after a failed Start() it cannot be started again.
  raft::Status Start();

  // The port bound by Start() (the chosen one when Options::port is 0); 0 before Start().
  uint16_t port() const;

  // Graceful stop: stops accepting; closes idle connections and those still reading a request;
  // lets requests being handled or written finish (their responses say Connection: close) and
  // ends streams (OnClose gets Shutdown). Whatever remains at `deadline` is closed; then the
  // I/O threads are joined. Responders still held afterwards answer nothing. Idempotent.
  void Stop(std::chrono::milliseconds deadline = std::chrono::seconds(5));

  // Connections being served (not counting 429 rejections and lingering closes).
  size_t active_connections() const;

  MetricsRegistry& metrics();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coord::api::http
