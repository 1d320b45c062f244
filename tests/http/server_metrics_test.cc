// The server records request counts and latencies per route and status class, and serves
// them with AddMetricsRoute.
#include <string>

#include <gtest/gtest.h>

#include "api/http/metrics_route.h"
#include "api/http/server.h"
#include "tests/http/server_fixture.h"
#include "tests/http/test_client.h"

namespace coord::api::http {
namespace {

using testing::StartServer;
using testing::TestClient;
using testing::TestOptions;

bool Contains(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(ServerMetricsTest, CountsAndHistogramsAfterKnownRequests) {
  MetricsRegistry metrics;
  // Another module's metric in the same registry.
  metrics.GetCounter("coord_raft_proposals_total", "Proposals.").Increment(4);
  Router router;
  router.Add(Method::kGet, "/v1/ping", SyncHandler([](const Request&) {
               return Response::Text(200, "pong");
             }));
  router.Add(Method::kPost, "/v1/fail", SyncHandler([](const Request&) {
               return Response::Error(503, "UNAVAILABLE", "try later");
             }));
  AddMetricsRoute(router, metrics);
  auto server = StartServer(TestOptions(), std::move(router), &metrics);
  ASSERT_TRUE(server);

  // All on one connection: each request's metrics are recorded once its response is written,
  // before the connection reads the next request, so /metrics sees all of them.
  TestClient client(server->port());
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(client.Get("/v1/ping"));
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(client.Roundtrip("HEAD", "/v1/ping"));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.Get("/nope"));
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(client.Roundtrip("POST", "/v1/ping"));  // 405
  ASSERT_TRUE(client.Roundtrip("POST", "/v1/fail"));
  auto r = client.Get("/metrics");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = r->body;

  const std::string ping = R"({method="GET",route="/v1/ping",status_class="2xx"})";
  EXPECT_TRUE(Contains(text, "coord_http_requests_total" + ping + " 7")) << text;
  EXPECT_TRUE(Contains(text, "coord_http_request_duration_seconds_count" + ping + " 7")) << text;
  EXPECT_TRUE(Contains(text,
                       R"(coord_http_request_duration_seconds_bucket{method="GET",route="/v1/ping",status_class="2xx",le="+Inf"} 7)"))
      << text;
  EXPECT_TRUE(Contains(text, R"(coord_http_requests_total{method="HEAD",route="/v1/ping",status_class="2xx"} 2)"))
      << text;
  EXPECT_TRUE(Contains(text, R"(coord_http_requests_total{method="GET",route="unmatched",status_class="4xx"} 3)"))
      << text;
  EXPECT_TRUE(Contains(text, R"(coord_http_requests_total{method="POST",route="unmatched",status_class="4xx"} 2)"))
      << text;
  EXPECT_TRUE(Contains(text, R"(coord_http_requests_total{method="POST",route="/v1/fail",status_class="5xx"} 1)"))
      << text;
  // Series for classes that saw no request exist with 0, so rates start from a known point.
  EXPECT_TRUE(Contains(text, R"(coord_http_requests_total{method="GET",route="/v1/ping",status_class="5xx"} 0)"))
      << text;
  EXPECT_TRUE(Contains(text, "coord_http_connections_accepted_total 1")) << text;
  EXPECT_TRUE(Contains(text, "coord_http_connections_active 1")) << text;
  EXPECT_TRUE(Contains(text, "coord_raft_proposals_total 4")) << text;
  EXPECT_TRUE(Contains(text, "# TYPE coord_http_request_duration_seconds histogram")) << text;

  // The histogram's buckets are cumulative and end at the count.
  Histogram& h = metrics.GetHistogram("coord_http_request_duration_seconds", "",
                                      DefaultLatencyBuckets(),
                                      {{"method", "GET"}, {"route", "/v1/ping"}, {"status_class", "2xx"}});
  EXPECT_EQ(h.count(), 7u);
  EXPECT_GT(h.sum(), 0.0);
}

TEST(ServerMetricsTest, ServerWithoutRegistryHasItsOwn) {
  Router router;
  router.Add(Method::kGet, "/x", SyncHandler([](const Request&) { return Response::Text(200, ""); }));
  auto server = StartServer(TestOptions(), std::move(router));
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Get("/x"));
  ASSERT_TRUE(client.Get("/x"));  // orders the first one's recording before we look
  EXPECT_GE(server->metrics()
                .GetCounter("coord_http_requests_total", "",
                            {{"method", "GET"}, {"route", "/x"}, {"status_class", "2xx"}})
                .value(),
            1u);
}

}  // namespace
}  // namespace coord::api::http
