#include "api/http/detail/server_metrics.h"

#include <string>

namespace coord::api::http::detail {
namespace {

constexpr const char* kRequests = "coord_http_requests_total";
constexpr const char* kRequestsHelp = "HTTP requests answered, by method, route and status class.";
constexpr const char* kDuration = "coord_http_request_duration_seconds";
constexpr const char* kDurationHelp =
    "Time from the end of the request header to the response written, in seconds.";

const char* ClassName(int status_class) {
  static const char* const kNames[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  return kNames[status_class - 1];
}

int StatusClass(int status) {
  const int c = status / 100;
  return (c >= 1 && c <= 5) ? c : 5;
}

const char* PhaseName(TimeoutPhase phase) {
  switch (phase) {
    case TimeoutPhase::kIdle: return "idle";
    case TimeoutPhase::kHeader: return "header";
    case TimeoutPhase::kBody: return "body";
    case TimeoutPhase::kWrite: return "write";
  }
  return "unknown";
}

}  // namespace

ServerMetrics::ServerMetrics(MetricsRegistry& registry, const Router& router)
    : connections_active(registry.GetGauge("coord_http_connections_active",
                                           "HTTP connections being served.")),
      connections_accepted(registry.GetCounter("coord_http_connections_accepted_total",
                                               "HTTP connections accepted.")),
      streams_active(registry.GetGauge("coord_http_streams_active",
                                       "Streaming (chunked / SSE) responses in progress.")),
      registry_(registry) {
  routes_.resize(router.routes().size());
  for (const Router::Route& route : router.routes()) {
    for (int head = 0; head < 2; ++head) {
      if (head == 1 && route.method != Method::kGet) continue;
      const Method method = head ? Method::kHead : route.method;
      for (int c = 1; c <= kClasses; ++c) {
        routes_[route.index][head][c - 1] = Lookup(method, route.pattern.c_str(), c);
      }
    }
  }
}

ServerMetrics::Series ServerMetrics::Lookup(Method method, const char* route, int status_class) {
  Labels labels = {{"method", MethodName(method)},
                   {"route", route},
                   {"status_class", ClassName(status_class)}};
  return {&registry_.GetCounter(kRequests, kRequestsHelp, labels),
          &registry_.GetHistogram(kDuration, kDurationHelp, DefaultLatencyBuckets(), labels)};
}

void ServerMetrics::RecordRequest(Method method, const Router::Route* route, int status,
                                  double seconds) {
  const int c = StatusClass(status);
  Series series;
  if (route != nullptr) {
    const int head = (method == Method::kHead && route->method != Method::kHead) ? 1 : 0;
    series = routes_[route->index][head][c - 1];
  } else {
    series = Lookup(method, "unmatched", c);
  }
  series.requests->Increment();
  series.duration->Observe(seconds);
}

void ServerMetrics::RecordRejected(ErrorCode code) {
  registry_
      .GetCounter("coord_http_rejected_total",
                  "Requests or connections refused by the HTTP layer before routing.",
                  {{"code", ErrorCodeName(code)}})
      .Increment();
}

void ServerMetrics::RecordTimeout(TimeoutPhase phase) {
  registry_
      .GetCounter("coord_http_timeouts_total", "HTTP connections cut by a timeout, by phase.",
                  {{"phase", PhaseName(phase)}})
      .Increment();
}

}  // namespace coord::api::http::detail
