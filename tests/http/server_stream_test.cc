// Streaming responses (Server-Sent Events) over real sockets: order, end of stream, client
// disconnects, backpressure and server stop.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "api/http/server.h"
#include "api/http/stream_writer.h"
#include "tests/http/server_fixture.h"
#include "tests/http/test_client.h"

namespace coord::api::http {
namespace {

using testing::Mailbox;
using testing::RequestText;
using testing::StartServer;
using testing::TestClient;
using testing::TestOptions;

// A server whose GET /events starts a stream and hands the writer to the test.
struct StreamServer {
  explicit StreamServer(StreamOptions stream_options = {}, Options options = TestOptions()) {
    Router router;
    router.Add(Method::kGet, "/events", [this, stream_options](Request, Responder responder) {
      writers.Push(responder.StartStream(stream_options));
    });
    router.Add(Method::kGet, "/hello", SyncHandler([](const Request&) {
                 return Response::Text(200, "hello");
               }));
    server = StartServer(options, std::move(router), &metrics);
  }

  MetricsRegistry metrics;
  Mailbox<std::shared_ptr<StreamWriter>> writers;
  std::unique_ptr<Server> server;
};

// Registers an OnClose that delivers the final status to the returned mailbox.
std::shared_ptr<Mailbox<Status>> WatchClose(StreamWriter& writer) {
  auto box = std::make_shared<Mailbox<Status>>();
  writer.OnClose([box](const Status& s) { box->Push(s); });
  return box;
}

size_t CountEvents(const std::string& body) {
  size_t n = 0;
  for (size_t pos = body.find("\n\n"); pos != std::string::npos; pos = body.find("\n\n", pos + 2)) ++n;
  return n;
}

TEST(ServerStreamTest, EventsArriveInOrderAndCloseEndsTheStream) {
  StreamServer s;
  ASSERT_TRUE(s.server);
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(RequestText("GET", "/events")));
  auto header = client.ReadStreamHeader();
  ASSERT_TRUE(header);
  EXPECT_EQ(header->status, 200);
  EXPECT_EQ(header->Header("Content-Type"), "text/event-stream");
  EXPECT_EQ(header->Header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(header->Header("Cache-Control"), "no-cache");
  EXPECT_FALSE(header->keep_alive);

  auto writer = s.writers.Pop();
  ASSERT_TRUE(writer && *writer);
  auto closed = WatchClose(**writer);
  constexpr int kEvents = 200;
  std::thread producer([w = *writer] {
    for (int i = 0; i < kEvents; ++i) {
      const Status st = w->WriteEvent({"tick", std::to_string(i), "n=" + std::to_string(i) + "\nsecond line", std::nullopt});
      ASSERT_TRUE(st.ok()) << st.ToString();
    }
  });
  producer.join();

  std::string body = client.ReadStreamUntil([](const std::string& b) { return CountEvents(b) >= kEvents; });
  ASSERT_EQ(CountEvents(body), static_cast<size_t>(kEvents));
  std::string expected;
  for (int i = 0; i < kEvents; ++i) {
    expected += FormatSseEvent({"tick", std::to_string(i), "n=" + std::to_string(i) + "\nsecond line", std::nullopt});
  }
  EXPECT_EQ(body, expected);

  (*writer)->Close();
  EXPECT_TRUE((*writer)->closed());
  EXPECT_EQ((*writer)->Write("late").code(), Status::Code::kShutdown);
  bool ended = false;
  client.ReadStreamUntil([](const std::string&) { return false; }, &ended);
  EXPECT_TRUE(ended) << "final chunk not received";
  auto status = closed->Pop();
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->ok()) << status->ToString();
  EXPECT_TRUE(client.ReadUntilClose()) << "a stream ends its connection";
}

TEST(ServerStreamTest, ServerNoticesClientDisconnect) {
  StreamServer s;
  ASSERT_TRUE(s.server);
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(RequestText("GET", "/events")));
  ASSERT_TRUE(client.ReadStreamHeader());
  auto writer = s.writers.Pop();
  ASSERT_TRUE(writer);
  auto closed = WatchClose(**writer);
  ASSERT_TRUE((*writer)->WriteEvent({"", "", "first", std::nullopt}).ok());
  EXPECT_EQ(client.ReadStreamUntil([](const std::string& b) { return CountEvents(b) >= 1; }),
            "data: first\n\n");
  EXPECT_EQ(s.metrics.GetGauge("coord_http_streams_active", "").value(), 1.0);

  client.Close();  // the client goes away without a word; the producer writes nothing
  auto status = closed->Pop();
  ASSERT_TRUE(status) << "disconnect not noticed";
  EXPECT_EQ(status->code(), Status::Code::kIOError) << status->ToString();
  EXPECT_TRUE((*writer)->closed());
  EXPECT_EQ((*writer)->WriteEvent({"", "", "after", std::nullopt}).code(), Status::Code::kShutdown);
  EXPECT_EQ(s.metrics.GetGauge("coord_http_streams_active", "").value(), 0.0);

  // OnClose registered after the end is called at once with the same status.
  auto late = WatchClose(**writer);
  auto late_status = late->Pop();
  ASSERT_TRUE(late_status);
  EXPECT_EQ(late_status->code(), Status::Code::kIOError);
}

TEST(ServerStreamTest, BackpressureSaysBusyThenDrains) {
  StreamOptions so;
  so.max_buffered_bytes = 64 << 10;
  StreamServer s(so);
  ASSERT_TRUE(s.server);
  TestClient client(s.server->port(), std::chrono::seconds(30));
  ASSERT_TRUE(client.Send(RequestText("GET", "/events")));
  ASSERT_TRUE(client.ReadStreamHeader());
  auto writer = s.writers.Pop();
  ASSERT_TRUE(writer);
  auto drained = std::make_shared<Mailbox<int>>();
  (*writer)->OnDrain([drained] { drained->Push(1); });

  // The client reads nothing: socket buffers fill, then ours, then Write says Busy.
  const size_t kPiece = 16 << 10;
  size_t accepted = 0;
  bool busy = false;
  for (int i = 0; accepted < (size_t{256} << 20); ++i) {
    const Status st = (*writer)->Write(std::string(kPiece, static_cast<char>('a' + i % 26)));
    if (st.code() == Status::Code::kBusy) {
      busy = true;
      break;
    }
    ASSERT_TRUE(st.ok()) << st.ToString();
    accepted += kPiece;
  }
  ASSERT_TRUE(busy) << "no backpressure after " << accepted << " bytes";
  EXPECT_GT((*writer)->buffered_bytes(), so.max_buffered_bytes / 2);

  // Reading everything accepted so far drains the buffer and fires OnDrain.
  std::string body = client.ReadStreamUntil([&](const std::string& b) { return b.size() >= accepted; });
  ASSERT_EQ(body.size(), accepted);
  for (size_t i = 0; i < accepted / kPiece; ++i) {
    ASSERT_EQ(body[i * kPiece], static_cast<char>('a' + i % 26)) << "piece " << i << " out of order";
    ASSERT_EQ(body[i * kPiece + kPiece - 1], static_cast<char>('a' + i % 26));
  }
  ASSERT_TRUE(drained->Pop()) << "OnDrain not called";
  EXPECT_TRUE((*writer)->Write("more").ok());
  (*writer)->Close();
  bool ended = false;
  body = client.ReadStreamUntil([](const std::string&) { return false; }, &ended);
  EXPECT_TRUE(ended);
  EXPECT_EQ(body.substr(accepted), "more");
}

TEST(ServerStreamTest, WritesFromManyThreadsAllArriveEachInOrder) {
  StreamServer s;
  ASSERT_TRUE(s.server);
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(RequestText("GET", "/events")));
  ASSERT_TRUE(client.ReadStreamHeader());
  auto writer = s.writers.Pop();
  ASSERT_TRUE(writer);
  constexpr int kThreads = 4, kEach = 250;
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([w = *writer, t] {
      for (int i = 0; i < kEach; ++i) {
        ASSERT_TRUE(w->WriteEvent({"", "", std::to_string(t) + ":" + std::to_string(i), std::nullopt}).ok());
      }
    });
  }
  for (auto& p : producers) p.join();
  std::string body =
      client.ReadStreamUntil([](const std::string& b) { return CountEvents(b) >= kThreads * kEach; });
  ASSERT_EQ(CountEvents(body), static_cast<size_t>(kThreads * kEach));
  std::vector<int> next(kThreads, 0);
  size_t pos = 0;
  while (pos < body.size()) {
    const size_t end = body.find("\n\n", pos);
    ASSERT_EQ(body.compare(pos, 6, "data: "), 0);
    const std::string data = body.substr(pos + 6, end - pos - 6);
    const int t = std::stoi(data.substr(0, data.find(':')));
    const int i = std::stoi(data.substr(data.find(':') + 1));
    ASSERT_EQ(i, next[t]) << "thread " << t << " out of order";
    ++next[t];
    pos = end + 2;
  }
}

TEST(ServerStreamTest, StopEndsStreamsWithShutdownAndFinalChunk) {
  StreamServer s;
  ASSERT_TRUE(s.server);
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(RequestText("GET", "/events")));
  ASSERT_TRUE(client.ReadStreamHeader());
  auto writer = s.writers.Pop();
  ASSERT_TRUE(writer);
  auto closed = WatchClose(**writer);
  ASSERT_TRUE((*writer)->WriteComment("hi").ok());
  EXPECT_EQ(client.ReadStreamUntil([](const std::string& b) { return CountEvents(b) >= 1; }), ": hi\n\n");

  const auto start = std::chrono::steady_clock::now();
  s.server->Stop(std::chrono::seconds(10));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  auto status = closed->Pop();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code(), Status::Code::kShutdown) << status->ToString();
  bool ended = false;
  client.ReadStreamUntil([](const std::string&) { return false; }, &ended);
  EXPECT_TRUE(ended) << "final chunk not sent on stop";
  EXPECT_EQ((*writer)->Write("x").code(), Status::Code::kShutdown);
}

TEST(ServerStreamTest, HeadOfAStreamRouteSendsHeadersOnly) {
  StreamServer s;
  ASSERT_TRUE(s.server);
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(RequestText("HEAD", "/events")));
  auto r = client.ReadResponse(/*head=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("Content-Type"), "text/event-stream");
  auto writer = s.writers.Pop();
  ASSERT_TRUE(writer);
  auto closed = WatchClose(**writer);
  auto status = closed->Pop();
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->ok());
  EXPECT_TRUE((*writer)->closed());
  EXPECT_TRUE(client.ReadUntilClose());
}

TEST(ServerStreamTest, DroppingTheWriterEndsTheStream) {
  StreamServer s;
  ASSERT_TRUE(s.server);
  TestClient client(s.server->port());
  ASSERT_TRUE(client.Send(RequestText("GET", "/events")));
  ASSERT_TRUE(client.ReadStreamHeader());
  {
    auto writer = s.writers.Pop();
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->WriteEvent({"", "", "last words", std::nullopt}).ok());
  }  // the only reference goes away
  bool ended = false;
  std::string body = client.ReadStreamUntil([](const std::string&) { return false; }, &ended);
  EXPECT_TRUE(ended);
  EXPECT_EQ(body, "data: last words\n\n");
}

}  // namespace
}  // namespace coord::api::http
