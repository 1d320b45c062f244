// The server over real sockets: routing, JSON errors, HEAD, keep-alive, pipelining, async
// handlers and many concurrent clients.
#include <atomic>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/http/server.h"
#include "tests/http/server_fixture.h"
#include "tests/http/test_client.h"

namespace coord::api::http {
namespace {

using testing::ClientResponse;
using testing::ParkedRequests;
using testing::StartServer;
using testing::TestClient;
using testing::TestOptions;

// Echoes what the router and the parser made of the request.
Response Echo(const Request& r) {
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [k, v] : r.params) params[k] = v;
  nlohmann::json query = nlohmann::json::array();
  for (const auto& [k, v] : r.query.entries()) query.push_back({k, v});
  return Response::Json(200, {{"method", r.method_name},
                              {"route", r.route},
                              {"path", r.path},
                              {"rest", r.rest},
                              {"params", params},
                              {"query", query},
                              {"body", r.body}});
}

Router EchoRouter() {
  Router router;
  router.Add(Method::kGet, "/echo", SyncHandler(Echo));
  router.Add(Method::kPost, "/echo", SyncHandler(Echo));
  router.Add(Method::kGet, "/v1/nodes/*", SyncHandler(Echo));
  router.Add(Method::kPut, "/v1/nodes/*", SyncHandler(Echo));
  router.Add(Method::kGet, "/v1/users/{id}", SyncHandler(Echo));
  router.Add(Method::kGet, "/hello", SyncHandler([](const Request&) {
               return Response::Text(200, "hello");
             }));
  return router;
}

TEST(ServerRoutingTest, UnknownPathIsJson404AndConnectionStaysOpen) {
  auto server = StartServer(TestOptions(), EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  auto r = client.Get("/nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->Header("Content-Type"), "application/json");
  EXPECT_EQ(r->ErrorCode(), "NOT_FOUND");
  EXPECT_TRUE(r->keep_alive);
  auto again = client.Get("/hello");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "hello");
}

TEST(ServerRoutingTest, WrongMethodIs405WithAllow) {
  auto server = StartServer(TestOptions(), EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  auto r = client.Roundtrip("DELETE", "/v1/nodes/a");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->ErrorCode(), "METHOD_NOT_ALLOWED");
  EXPECT_EQ(r->Header("Allow"), "GET, HEAD, PUT");
  // An unknown method on a routed path is a 405 too.
  auto other = client.Roundtrip("PROPFIND", "/echo");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 405);
  EXPECT_EQ(other->Header("Allow"), "GET, HEAD, POST");
}

TEST(ServerRoutingTest, HeadGetsGetHeadersWithoutBody) {
  auto server = StartServer(TestOptions(), EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  auto head = client.Roundtrip("HEAD", "/hello");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), "5");
  EXPECT_EQ(head->body, "");
  // Had a body been sent after the HEAD response, it would be misread as this response.
  auto get = client.Get("/hello");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "hello");
  // HEAD of an error keeps the error's headers, without the body.
  auto missing = client.Roundtrip("HEAD", "/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, "");
  EXPECT_TRUE(client.Get("/hello"));
}

TEST(ServerRoutingTest, PathRemainderAndParams) {
  auto server = StartServer(TestOptions(), EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());

  auto r = client.Get("/v1/nodes/a/b%20c/d");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  nlohmann::json j = r->Json();
  EXPECT_EQ(j["route"], "/v1/nodes/*");
  EXPECT_EQ(j["rest"], "a/b c/d");
  EXPECT_EQ(j["path"], "/v1/nodes/a/b c/d");

  auto root = client.Get("/v1/nodes");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->Json()["rest"], "");

  auto user = client.Get("/v1/users/caf%C3%A9");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->Json()["params"]["id"], "caf\xc3\xa9");
}

TEST(ServerRoutingTest, QueryIsParsedAndDecoded) {
  auto server = StartServer(TestOptions(), EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  auto r = client.Get("/echo?a=1&b=x%20y&b=z&flag&plus=a+b");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->Json()["query"],
            nlohmann::json::parse(R"([["a","1"],["b","x y"],["b","z"],["flag",""],["plus","a b"]])"));
  EXPECT_EQ(r->Json()["path"], "/echo");
}

TEST(ServerRoutingTest, BadEscapesAre400) {
  auto server = StartServer(TestOptions(), EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  for (const char* target : {"/echo?a=%zz", "/echo?a=%4", "/echo?%=1"}) {
    auto r = client.Get(target);
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 400) << target;
    EXPECT_EQ(r->ErrorCode(), "BAD_QUERY") << target;
  }
  for (const char* target : {"/v1/nodes/%G1", "/v1/nodes/a%", "/unknown/%zz"}) {
    auto r = client.Get(target);
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 400) << target;
    EXPECT_EQ(r->ErrorCode(), "BAD_PATH") << target;
  }
  // Not a path.
  auto star = client.Roundtrip("OPTIONS", "*");
  ASSERT_TRUE(star);
  EXPECT_EQ(star->ErrorCode(), "BAD_PATH");
  // The absolute form is routed by its path.
  auto absolute = client.Get("http://example.com/echo?a=1");
  ASSERT_TRUE(absolute);
  EXPECT_EQ(absolute->status, 200);
  EXPECT_EQ(absolute->Json()["path"], "/echo");
  // Still serving on the same connection: these are request errors, not protocol errors.
  auto ok = client.Get("/hello");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(ServerRoutingTest, KeepAliveServesManyRequestsOnOneConnection) {
  MetricsRegistry metrics;
  auto server = StartServer(TestOptions(), EchoRouter(), &metrics);
  ASSERT_TRUE(server);
  TestClient client(server->port());
  for (int i = 0; i < 25; ++i) {
    const std::string body = "request-" + std::to_string(i);
    auto r = client.Roundtrip("POST", "/echo", body);
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->Json()["body"], body);
    EXPECT_TRUE(r->keep_alive);
  }
  EXPECT_EQ(metrics.GetCounter("coord_http_connections_accepted_total", "").value(), 1u);
}

TEST(ServerRoutingTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = StartServer(TestOptions(), EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  std::string all;
  for (int i = 0; i < 10; ++i) {
    all += testing::RequestText(i % 2 ? "POST" : "GET", "/echo?i=" + std::to_string(i),
                                i % 2 ? "body" + std::to_string(i) : "");
  }
  ASSERT_TRUE(client.Send(all));  // one write: the server finds them all in its buffer
  for (int i = 0; i < 10; ++i) {
    auto r = client.ReadResponse();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->Json()["query"][0][1], std::to_string(i));
    if (i % 2) {
      EXPECT_EQ(r->Json()["body"], "body" + std::to_string(i));
    }
  }
}

TEST(ServerRoutingTest, AsyncHandlerAnswersFromAnotherThread) {
  ParkedRequests parked;
  Router router;
  router.Add(Method::kGet, "/slow", parked.handler());
  auto server = StartServer(TestOptions(), std::move(router));
  ASSERT_TRUE(server);
  TestClient client(server->port());
  // Two pipelined requests: the second may only be read once the first is answered.
  ASSERT_TRUE(client.Send(testing::RequestText("GET", "/slow?n=1") +
                          testing::RequestText("GET", "/slow?n=2")));
  auto first = parked.Pop();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->first.query.Get("n"), "1");
  EXPECT_EQ(parked.pushed(), 1);

  std::thread worker([responder = std::move(first->second)]() mutable {
    responder.Send(Response::Text(200, "one"));
  });
  worker.join();
  auto r1 = client.ReadResponse();
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->body, "one");

  auto second = parked.Pop();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->first.query.Get("n"), "2");
  second->second.Send(Response::Text(201, "two"));
  auto r2 = client.ReadResponse();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 201);
  EXPECT_EQ(r2->body, "two");
}

TEST(ServerRoutingTest, DroppedResponderOrThrowingHandlerIs500) {
  Router router;
  router.Add(Method::kGet, "/drop", [](Request, Responder) {});
  router.Add(Method::kGet, "/throw", [](Request, Responder) -> void {
    throw std::runtime_error("boom");
  });
  router.Add(Method::kGet, "/sync-throw", SyncHandler([](const Request&) -> Response {
               throw std::runtime_error("boom");
             }));
  router.Add(Method::kGet, "/bad-status", SyncHandler([](const Request&) {
               return Response::Text(42, "");
             }));
  Options options = TestOptions();
  options.log_level = LogLevel::kOff;  // the throws are expected
  auto server = StartServer(options, std::move(router));
  ASSERT_TRUE(server);
  TestClient client(server->port());
  for (const char* target : {"/drop", "/throw", "/sync-throw", "/bad-status"}) {
    auto r = client.Get(target);
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 500) << target;
    EXPECT_EQ(r->ErrorCode(), "INTERNAL_ERROR") << target;
  }
}

TEST(ServerRoutingTest, MoveAssigningOverAPendingResponderAnswersIt500) {
  ParkedRequests parked;
  Router router;
  router.Add(Method::kGet, "/parked", parked.handler());
  auto server = StartServer(TestOptions(), std::move(router));
  ASSERT_TRUE(server);
  TestClient c1(server->port());
  TestClient c2(server->port());
  ASSERT_TRUE(c1.Send(testing::RequestText("GET", "/parked?c=1")));
  auto p1 = parked.Pop();
  ASSERT_TRUE(p1);
  ASSERT_TRUE(c2.Send(testing::RequestText("GET", "/parked?c=2")));
  auto p2 = parked.Pop();
  ASSERT_TRUE(p2);
  ASSERT_EQ(p1->first.query.Get("c"), "1");

  p1->second = std::move(p2->second);  // c1's request is dropped: 500
  EXPECT_FALSE(p2->second.pending());
  EXPECT_TRUE(p1->second.pending());
  auto r1 = c1.ReadResponse();
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->status, 500);
  EXPECT_EQ(r1->ErrorCode(), "INTERNAL_ERROR");

  p1->second.Send(Response::Text(200, "for c2"));
  EXPECT_FALSE(p1->second.pending());
  auto r2 = c2.ReadResponse();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->body, "for c2");
}

TEST(ServerRoutingTest, AnswerAfterTheClientLeftIsHarmless) {
  ParkedRequests parked;
  Router router;
  router.Add(Method::kGet, "/parked", parked.handler());
  router.Add(Method::kGet, "/hello", SyncHandler([](const Request&) {
               return Response::Text(200, "hello");
             }));
  auto server = StartServer(TestOptions(), std::move(router));
  ASSERT_TRUE(server);
  {
    TestClient gone(server->port());
    ASSERT_TRUE(gone.Send(testing::RequestText("GET", "/parked")));
    auto p = parked.Pop();
    ASSERT_TRUE(p);
    gone.Close();
    p->second.Send(Response::Text(200, std::string(1 << 20, 'x')));  // into a closed socket
  }
  TestClient client(server->port());
  auto r = client.Get("/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "hello");
}

TEST(ServerRoutingTest, ResponderMisuseStopsTheProcess) {
  EXPECT_DEATH(
      {
        ParkedRequests parked;
        Router router;
        router.Add(Method::kGet, "/p", parked.handler());
        auto server = StartServer(TestOptions(), std::move(router));
        TestClient client(server->port());
        client.Send(testing::RequestText("GET", "/p"));
        auto p = parked.Pop();
        p->second.Send(Response::Text(200, ""));
        p->second.Send(Response::Text(200, ""));
      },
      "Responder invariant violated");
}

TEST(ServerRoutingTest, ManyConcurrentClientsAllAnsweredCorrectly) {
  auto server = StartServer(TestOptions(), EchoRouter());
  ASSERT_TRUE(server);
  constexpr int kClients = 50, kRequests = 100;
  std::atomic<int> correct{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      TestClient client(server->port(), std::chrono::seconds(30));
      for (int i = 0; i < kRequests; ++i) {
        const std::string body = std::to_string(c) + ":" + std::to_string(i);
        auto r = client.Roundtrip("POST", "/echo?c=" + std::to_string(c), body);
        if (!r) return;  // the count below tells
        if (r->status == 200 && r->Json()["body"] == body &&
            r->Json()["query"][0][1] == std::to_string(c)) {
          correct.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(correct.load(), kClients * kRequests);
}

TEST(ServerRoutingTest, AccessLogIsOffByDefaultAndStructuredWhenOn) {
  std::mutex mu;
  std::vector<std::string> lines;
  auto sink = [&](LogLevel, std::string_view line) {
    std::lock_guard<std::mutex> lock(mu);
    lines.emplace_back(line);
  };
  {
    Options quiet = TestOptions();
    quiet.log_sink = sink;
    auto server = StartServer(quiet, EchoRouter());
    ASSERT_TRUE(server);
    TestClient client(server->port());
    ASSERT_TRUE(client.Get("/hello"));
    ASSERT_TRUE(client.Get("/nope"));
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_TRUE(lines.empty()) << lines.front();
  }
  Options loud = TestOptions();
  loud.log_sink = sink;
  loud.access_log = true;
  auto server = StartServer(loud, EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Get("/hello?x=1"));
  // The line is written after the response; a second request on the connection orders it.
  ASSERT_TRUE(client.Get("/hello"));
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("component=http event=access"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(" method=GET target=\"/hello?x=1\" status=200 bytes=5 "), std::string::npos)
      << lines[0];
}

}  // namespace
}  // namespace coord::api::http
