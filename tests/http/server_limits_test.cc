// Every limit of Options gets its documented reply while other clients keep being served;
// hostile or broken input gets a 4xx or a close, never a crash (this suite runs under ASan).
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/http/server.h"
#include "tests/http/server_fixture.h"
#include "tests/http/test_client.h"

namespace coord::api::http {
namespace {

using namespace std::chrono_literals;
using testing::ParseResponseText;
using testing::RequestText;
using testing::StartServer;
using testing::TestClient;
using testing::TestOptions;

Router SmallRouter() {
  Router router;
  router.Add(Method::kGet, "/hello", SyncHandler([](const Request&) {
               return Response::Text(200, "hello");
             }));
  router.Add(Method::kPost, "/echo", SyncHandler([](const Request& r) {
               return Response::Text(200, r.body);
             }));
  return router;
}

// A request on a fresh connection succeeds: the server is still serving others.
void ExpectStillServing(uint16_t port) {
  TestClient other(port);
  auto r = other.Get("/hello");
  ASSERT_TRUE(r) << "server stopped answering";
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
}

// Reads until the server closes; the reply it sent before closing, if any, must be `status`
// with JSON error `code`. `reply_required`: a reply must have come.
void ExpectErrorThenClose(TestClient& client, int status, const std::string& code,
                          bool reply_required = true) {
  std::optional<std::string> rest = client.ReadUntilClose();
  ASSERT_TRUE(rest) << "the server did not close the connection";
  auto r = ParseResponseText(*rest);
  if (!reply_required && !r) return;
  ASSERT_TRUE(r) << "no complete reply before close: '" << *rest << "'";
  EXPECT_EQ(r->status, status) << r->body;
  EXPECT_EQ(r->ErrorCode(), code) << r->body;
  EXPECT_FALSE(r->keep_alive);
}

Options Limited() {
  Options o = TestOptions();
  o.max_body_bytes = 1024;
  o.max_header_bytes = 1024;
  o.log_level = LogLevel::kError;
  return o;
}

TEST(ServerLimitsTest, BodyOverLimitIs413ByContentLength) {
  auto server = StartServer(Limited(), SmallRouter());
  ASSERT_TRUE(server);
  TestClient ok(server->port());
  auto fits = ok.Roundtrip("POST", "/echo", std::string(1024, 'a'));
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 200);
  EXPECT_EQ(fits->body.size(), 1024u);

  TestClient big(server->port());
  ASSERT_TRUE(big.Send(RequestText("POST", "/echo", std::string(1025, 'a'))));
  ExpectErrorThenClose(big, 413, "BODY_TOO_LARGE");
  ExpectStillServing(server->port());
}

TEST(ServerLimitsTest, ChunkedBodyOverLimitIs413) {
  auto server = StartServer(Limited(), SmallRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  std::string req = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) req += "200\r\n" + std::string(512, 'b') + "\r\n";
  req += "0\r\n\r\n";
  ASSERT_TRUE(client.Send(req));
  ExpectErrorThenClose(client, 413, "BODY_TOO_LARGE");

  // A chunked body within the limit is fine.
  TestClient small(server->port());
  ASSERT_TRUE(small.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  auto r = small.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "abcde");
}

TEST(ServerLimitsTest, ExpectContinueIsHonouredWithinLimits) {
  auto server = StartServer(Limited(), SmallRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
                          "Expect: 100-continue\r\n\r\n"));
  auto interim = client.ReadResponse();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.Send("data"));
  auto r = client.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "data");

  // Over the limit: 413 straight away, no 100.
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n"
                          "Expect: 100-continue\r\n\r\n"));
  ExpectErrorThenClose(client, 413, "BODY_TOO_LARGE");
}

TEST(ServerLimitsTest, HeaderOverLimitIs431) {
  auto server = StartServer(Limited(), SmallRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(RequestText("GET", "/hello", {}, "X-Big: " + std::string(2000, 'h') + "\r\n")));
  ExpectErrorThenClose(client, 431, "HEADER_TOO_LARGE");

  TestClient long_target(server->port());
  ASSERT_TRUE(long_target.Send(RequestText("GET", "/hello?" + std::string(2000, 'q'))));
  ExpectErrorThenClose(long_target, 431, "HEADER_TOO_LARGE");
  ExpectStillServing(server->port());
}

TEST(ServerLimitsTest, ConnectionsOverLimitGet429AndFreedSlotsAreReused) {
  Options o = Limited();
  o.max_connections = 2;
  MetricsRegistry metrics;
  auto server = StartServer(o, SmallRouter(), &metrics);
  ASSERT_TRUE(server);
  TestClient a(server->port());
  TestClient b(server->port());
  // A response proves each was admitted (admission happens at accept, before reading).
  ASSERT_TRUE(a.Get("/hello"));
  ASSERT_TRUE(b.Get("/hello"));
  EXPECT_EQ(server->active_connections(), 2u);

  TestClient c(server->port());
  ASSERT_TRUE(c.Send(RequestText("GET", "/hello")));
  ExpectErrorThenClose(c, 429, "TOO_MANY_CONNECTIONS");

  // The admitted ones are unaffected.
  auto still = b.Get("/hello");
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200);

  // `a` leaves: the server unregisters a connection before it closes it, so once `a` sees
  // the close, its slot is free.
  auto bye = a.Roundtrip("GET", "/hello", {}, "Connection: close\r\n");
  ASSERT_TRUE(bye);
  EXPECT_FALSE(bye->keep_alive);
  ASSERT_TRUE(a.ReadUntilClose());
  TestClient d(server->port());
  auto r = d.Get("/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(metrics.GetCounter("coord_http_rejected_total", "", {{"code", "TOO_MANY_CONNECTIONS"}}).value(),
            1u);
}

TEST(ServerLimitsTest, SlowlorisHeaderIsCutAfterHeaderTimeout) {
  Options o = Limited();
  o.header_timeout = 300ms;
  auto server = StartServer(o, SmallRouter());
  ASSERT_TRUE(server);
  TestClient slow(server->port());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(slow.Send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Slow: 1"));
  // Others are served while the slow one dangles.
  ExpectStillServing(server->port());
  (void)slow.Send("2");  // trickling bytes does not extend the deadline
  ExpectErrorThenClose(slow, 408, "REQUEST_TIMEOUT");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
}

TEST(ServerLimitsTest, SilentConnectionIsClosedWithoutReply) {
  Options o = Limited();
  o.header_timeout = 200ms;
  auto server = StartServer(o, SmallRouter());
  ASSERT_TRUE(server);
  TestClient silent(server->port());
  auto rest = silent.ReadUntilClose();
  ASSERT_TRUE(rest) << "not closed";
  EXPECT_EQ(*rest, "");
}

TEST(ServerLimitsTest, IdleKeepAliveConnectionIsClosed) {
  Options o = Limited();
  o.idle_timeout = 200ms;
  MetricsRegistry metrics;
  auto server = StartServer(o, SmallRouter(), &metrics);
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Get("/hello"));
  const auto start = std::chrono::steady_clock::now();
  auto rest = client.ReadUntilClose();
  ASSERT_TRUE(rest) << "idle connection not closed";
  EXPECT_EQ(*rest, "");  // no reply: there was no request
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
  EXPECT_EQ(metrics.GetCounter("coord_http_timeouts_total", "", {{"phase", "idle"}}).value(), 1u);
}

TEST(ServerLimitsTest, SlowBodyIsCutAfterBodyTimeout) {
  Options o = Limited();
  o.body_timeout = 200ms;
  auto server = StartServer(o, SmallRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789"));
  ExpectErrorThenClose(client, 408, "REQUEST_TIMEOUT");
  ExpectStillServing(server->port());
}

TEST(ServerLimitsTest, MalformedRequestLinesAre400) {
  auto server = StartServer(Limited(), SmallRouter());
  ASSERT_TRUE(server);
  const char* bad[] = {
      "GARBAGE\r\n\r\n",
      "GET\r\n\r\n",
      "GET /hello\r\n\r\n",                         // no version
      "GET /hello HTTP/1.1 extra\r\nHost: t\r\n\r\n",
      "GET /hello HTTX/1.1\r\nHost: t\r\n\r\n",
      "GET /hello HTTP/1.1\r\nBad Header\r\n\r\n",   // no colon
      "GET /hello HTTP/1.1\r\n: empty-name\r\n\r\n",
      "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",  // bad chunk size
      "POST /echo HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
  };
  for (const char* raw : bad) {
    TestClient client(server->port());
    ASSERT_TRUE(client.Send(raw));
    SCOPED_TRACE(raw);
    ExpectErrorThenClose(client, 400, "MALFORMED_REQUEST");
  }
  ExpectStillServing(server->port());
}

TEST(ServerLimitsTest, VersionsOtherThanHttp1AreMalformed) {
  auto server = StartServer(Limited(), SmallRouter());
  ASSERT_TRUE(server);
  for (const char* version : {"HTTP/2.0", "HTTP/0.9", "HTTP/1.2"}) {
    TestClient client(server->port());
    ASSERT_TRUE(client.Send(std::string("GET /hello ") + version + "\r\nHost: t\r\n\r\n"));
    SCOPED_TRACE(version);
    ExpectErrorThenClose(client, 400, "MALFORMED_REQUEST");
  }
  // HTTP/1.0 is fine.
  TestClient old(server->port());
  ASSERT_TRUE(old.Send("GET /hello HTTP/1.0\r\n\r\n"));
  auto r = old.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->keep_alive);  // 1.0 without keep-alive
}

TEST(ServerLimitsTest, BinaryGarbageGets400OrCloseAndServerSurvives) {
  auto server = StartServer(Limited(), SmallRouter());
  ASSERT_TRUE(server);
  std::mt19937 rng(20240611);  // fixed seed: a failure reproduces
  for (int round = 0; round < 20; ++round) {
    std::string garbage(64 + round * 100, '\0');
    for (char& c : garbage) c = static_cast<char>(rng() & 0xff);
    TestClient client(server->port());
    ASSERT_TRUE(client.Send(garbage)) << "round " << round;
    std::optional<std::string> rest = client.ReadUntilClose();
    ASSERT_TRUE(rest) << "round " << round << ": not closed";
    if (auto r = ParseResponseText(*rest)) {
      EXPECT_GE(r->status, 400) << "round " << round;
      EXPECT_LT(r->status, 500) << "round " << round;
    }
  }
  ExpectStillServing(server->port());
}

TEST(ServerLimitsTest, TruncatedBodyThenCloseGets400OrClose) {
  auto server = StartServer(Limited(), SmallRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly-ten.."));
  client.ShutdownWrite();
  ExpectErrorThenClose(client, 400, "MALFORMED_REQUEST", /*reply_required=*/false);

  TestClient chunked(server->port());
  ASSERT_TRUE(chunked.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "10\r\nabc"));
  chunked.ShutdownWrite();
  ExpectErrorThenClose(chunked, 400, "MALFORMED_REQUEST", /*reply_required=*/false);

  TestClient header(server->port());
  ASSERT_TRUE(header.Send("GET /hello HTTP/1.1\r\nHost"));
  header.Close();  // and vanish entirely
  ExpectStillServing(server->port());
}

TEST(ServerLimitsTest, AbsurdContentLengthIs4xx) {
  auto server = StartServer(Limited(), SmallRouter());
  ASSERT_TRUE(server);
  struct Case {
    const char* value;
    int status;
    const char* code;
  };
  const Case cases[] = {
      {"99999999999999999999999999", 400, "MALFORMED_REQUEST"},  // overflows 64 bits
      {"18446744073709551615", 413, "BODY_TOO_LARGE"},           // fits, but far over the limit
      {"-1", 400, "MALFORMED_REQUEST"},
      {"12abc", 400, "MALFORMED_REQUEST"},
      {"", 400, "MALFORMED_REQUEST"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    TestClient client(server->port());
    ASSERT_TRUE(client.Send(std::string("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: ") +
                            c.value + "\r\n\r\nabc"));
    ExpectErrorThenClose(client, c.status, c.code);
  }
  ExpectStillServing(server->port());
}

TEST(ServerStartTest, PortInUseIsAClearIOError) {
  auto first = StartServer(TestOptions(), SmallRouter());
  ASSERT_TRUE(first);
  Options o = TestOptions();
  o.port = first->port();
  Server second(o, SmallRouter());
  const raft::Status s = second.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), raft::Status::Code::kIOError);
  EXPECT_NE(s.message().find("bind 127.0.0.1:" + std::to_string(first->port())), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("in use"), std::string::npos) << s.message();
  ExpectStillServing(first->port());
}

TEST(ServerStartTest, BadAddressIsInvalidArgument) {
  for (const char* address : {"999.1.1.1", "localhost", "", "127.0.0.1:80"}) {
    Options o = TestOptions();
    o.address = address;
    Server server(o, SmallRouter());
    const raft::Status s = server.Start();
    ASSERT_FALSE(s.ok()) << address;
    EXPECT_EQ(s.code(), raft::Status::Code::kInvalidArgument) << address;
    EXPECT_NE(s.message().find("bad listen address"), std::string::npos) << s.message();
  }
}

TEST(ServerStartTest, StartTwiceIsAnError) {
  auto server = StartServer(TestOptions(), SmallRouter());
  ASSERT_TRUE(server);
  EXPECT_EQ(server->Start().code(), raft::Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace coord::api::http
