#include "api/http/metrics_route.h"

namespace coord::api::http {

void AddMetricsRoute(Router& router, const MetricsRegistry& registry, std::string_view path) {
  router.Add(Method::kGet, path, SyncHandler([&registry](const Request&) {
               return Response::Text(200, registry.RenderText(),
                                     "text/plain; version=0.0.4; charset=utf-8");
             }));
}

}  // namespace coord::api::http
