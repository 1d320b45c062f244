// ServerMetrics: the metrics the HTTP server records, with the per-route series looked up
// once at construction so that recording a request takes no lock.
//
//   coord_http_requests_total{method,route,status_class}          counter
//   coord_http_request_duration_seconds{method,route,status_class} histogram: from the end of
//       the request header to the response written (for streams: the stream header written)
//   coord_http_rejected_total{code}            requests or connections refused before routing
//   coord_http_timeouts_total{phase}           idle | header | body | write
//   coord_http_connections_active              gauge
//   coord_http_connections_accepted_total      counter
//   coord_http_streams_active                  gauge
//
// `route` is the matched pattern, or "unmatched" for 404, 405 and undecodable paths.
// `method` is one of the Method names ("OTHER" for unknown methods), keeping label sets
// bounded whatever clients send.
//
// Thread-safety: safe from any thread (atomics; the unmatched series go through the
// registry's mutex, off the normal path).
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "api/http/error.h"
#include "api/http/metrics.h"
#include "api/http/request.h"
#include "api/http/router.h"

namespace coord::api::http::detail {

enum class TimeoutPhase { kIdle, kHeader, kBody, kWrite };

class ServerMetrics {
 public:
  ServerMetrics(MetricsRegistry& registry, const Router& router);

  // `route`: the matched route, or null when none matched.
  void RecordRequest(Method method, const Router::Route* route, int status, double seconds);
  void RecordRejected(ErrorCode code);
  void RecordTimeout(TimeoutPhase phase);

  Gauge& connections_active;
  Counter& connections_accepted;
  Gauge& streams_active;

 private:
  struct Series {
    Counter* requests;
    Histogram* duration;
  };
  static constexpr int kClasses = 5;  // 1xx .. 5xx

  Series Lookup(Method method, const char* route, int status_class);

  MetricsRegistry& registry_;
  // [route index][0: the route's own method, 1: HEAD served by a GET route][class - 1]
  std::vector<std::array<std::array<Series, kClasses>, 2>> routes_;
};

}  // namespace coord::api::http::detail
