// HttpClient against real sockets: what a lost request may have done decides fail vs info.
#include "jepsen/harness/http_client.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <thread>

#include "jepsen/harness/proxy_network.h"

namespace coord::jepsen::harness {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;

TEST(HttpClientTest, RefusedConnectionWasNeverDelivered) {
  auto port = FreeLoopbackPort();
  ASSERT_TRUE(port.ok());
  HttpClient client("127.0.0.1", *port);
  auto r = client.Request("PUT", "/v1/nodes/a", "{}", milliseconds(2000));
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(r.error().maybe_delivered) << r.error().what;
}

TEST(HttpClientTest, SilentServerTimesOutAndMayHaveBeenDelivered) {
  asio::io_context ioc;
  tcp::acceptor silent(ioc, {asio::ip::make_address("127.0.0.1"), 0});  // listens, never answers
  HttpClient client("127.0.0.1", silent.local_endpoint().port());
  auto start = std::chrono::steady_clock::now();
  auto r = client.Request("PUT", "/v1/nodes/a", "{}", milliseconds(300));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().maybe_delivered) << r.error().what;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(HttpClientTest, ReadsStatusBodyAndErrorCode) {
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  std::string seen_request;
  std::thread server([&] {
    tcp::socket s = acceptor.accept();
    asio::streambuf in;
    asio::read_until(s, in, "\r\n\r\n");
    seen_request.assign(asio::buffers_begin(in.data()), asio::buffers_end(in.data()));
    const std::string body = R"({"error":{"code":"NO_LEADER","message":"no leader"}})";
    asio::write(s, asio::buffer("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                                "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
  });
  HttpClient client("127.0.0.1", acceptor.local_endpoint().port());
  auto r = client.Request("GET", "/v1/nodes/a%20b", "", milliseconds(2000));
  server.join();
  ASSERT_TRUE(r.ok()) << r.error().what;
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->error_code(), "NO_LEADER");
  EXPECT_TRUE(r->json().is_object());
  EXPECT_EQ(seen_request.rfind("GET /v1/nodes/a%20b HTTP/1.1\r\n", 0), 0u) << seen_request;
}

}  // namespace
}  // namespace coord::jepsen::harness
