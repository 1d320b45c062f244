// Graceful stop: in-flight requests finish, stuck ones are cut at the deadline, threads are
// joined, and handles that outlive the server stay harmless (this suite runs under ASan/LSan).
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "api/http/server.h"
#include "tests/http/server_fixture.h"
#include "tests/http/test_client.h"

namespace coord::api::http {
namespace {

using namespace std::chrono_literals;
using testing::ParkedRequests;
using testing::RequestText;
using testing::StartServer;
using testing::TestClient;
using testing::TestOptions;

Router ParkingRouter(ParkedRequests& parked) {
  Router router;
  router.Add(Method::kGet, "/parked", parked.handler());
  router.Add(Method::kGet, "/hello", SyncHandler([](const Request&) {
               return Response::Text(200, "hello");
             }));
  return router;
}

TEST(ServerStopTest, InFlightRequestFinishesWithConnectionClose) {
  ParkedRequests parked;
  auto server = StartServer(TestOptions(), ParkingRouter(parked));
  ASSERT_TRUE(server);
  TestClient idle(server->port());
  ASSERT_TRUE(idle.Get("/hello"));  // now an idle kept-alive connection
  TestClient busy(server->port());
  ASSERT_TRUE(busy.Send(RequestText("GET", "/parked")));
  auto p = parked.Pop();
  ASSERT_TRUE(p);

  const auto start = std::chrono::steady_clock::now();
  std::thread stopper([&] { server->Stop(10s); });
  // The idle connection is closed at once: that is how we know Stop has begun.
  ASSERT_TRUE(idle.ReadUntilClose());
  p->second.Send(Response::Text(200, "finished"));
  auto r = busy.ReadResponse();
  ASSERT_TRUE(r) << "in-flight request was not allowed to finish";
  EXPECT_EQ(r->body, "finished");
  EXPECT_FALSE(r->keep_alive);
  EXPECT_TRUE(busy.ReadUntilClose());
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  // Nobody listens any more.
  TestClient late(server->port());
  EXPECT_FALSE(late.connected() && late.Get("/hello").has_value());
}

TEST(ServerStopTest, DeadlineCutsAStuckHandlerAndLateAnswersAreHarmless) {
  ParkedRequests parked;
  auto server = StartServer(TestOptions(), ParkingRouter(parked));
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(RequestText("GET", "/parked")));
  auto p = parked.Pop();
  ASSERT_TRUE(p);

  const auto start = std::chrono::steady_clock::now();
  server->Stop(300ms);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 5s);
  auto rest = client.ReadUntilClose();
  ASSERT_TRUE(rest) << "stuck connection not cut";
  EXPECT_EQ(*rest, "");

  // Answering after the stop, and even after the server is gone, does nothing (and must not
  // touch freed memory or leak: the io_context lives until this Responder is released).
  Responder late = std::move(p->second);
  server.reset();
  late.Send(Response::Text(200, "too late"));
  EXPECT_FALSE(late.pending());
}

TEST(ServerStopTest, ResponderDroppedAfterServerIsGoneIsHarmless) {
  ParkedRequests parked;
  auto server = StartServer(TestOptions(), ParkingRouter(parked));
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(RequestText("GET", "/parked")));
  auto p = parked.Pop();
  ASSERT_TRUE(p);
  server->Stop(100ms);  // the stuck request is cut
  server.reset();
  p.reset();  // drops the Responder: it would answer 500, into nothing
  SUCCEED();
}

TEST(ServerStopTest, PortIsFreeAgainAndStopIsIdempotent) {
  ParkedRequests parked;
  auto server = StartServer(TestOptions(), ParkingRouter(parked));
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  {
    TestClient client(port);
    ASSERT_TRUE(client.Get("/hello"));
  }
  server->Stop();
  server->Stop();
  EXPECT_EQ(server->Start().code(), raft::Status::Code::kInvalidArgument);

  Options o = TestOptions();
  o.port = port;
  auto again = StartServer(o, ParkingRouter(parked));
  ASSERT_TRUE(again);
  TestClient client(port);
  auto r = client.Get("/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(ServerStopTest, NeverStartedServerDestroysCleanly) {
  Server server(TestOptions(), Router());
  server.Stop();
  EXPECT_EQ(server.port(), 0);
}

}  // namespace
}  // namespace coord::api::http
