// AddMetricsRoute: serves a MetricsRegistry as Prometheus text on GET (and HEAD) `path`.
#pragma once

#include <string_view>

#include "api/http/metrics.h"
#include "api/http/router.h"

namespace coord::api::http {

// `registry` must outlive every Server built from `router`.
void AddMetricsRoute(Router& router, const MetricsRegistry& registry,
                     std::string_view path = "/metrics");

}  // namespace coord::api::http
