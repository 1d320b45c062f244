// Every configurable limit, exceeded against a real 3-process cluster: each gets its
// documented error while the node keeps serving other clients.
#include <nlohmann/json.hpp>

#include "tests/api/cluster_fixture.h"
#include "tests/http/test_client.h"

namespace coord::api::testing {
namespace {

using http::testing::TestClient;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string N(const std::string& path) { return "/v1/nodes" + path; }

class Limits : public ClusterTest {
 protected:
  static void SetUpTestSuite() {
    StartShared(3, {"--max-body-bytes", "4096", "--max-data-bytes", "1024", "--max-header-bytes", "2048",
                    "--max-path-bytes", "200", "--max-connections", "16", "--header-timeout-ms", "500",
                    "--idle-timeout-ms", "1500", "--keepalive-rate", "3"});
  }
  static void TearDownTestSuite() { StopShared(); }

  // Another client is served normally: what every limit test checks while it pushes one.
  static void ExpectOthersServed(uint16_t p) {
    Reply r = Get(p, "/v1/nodes/?children=true");
    EXPECT_TRUE(r.ok()) << r.Describe();
  }
};

TEST_F(Limits, BodySize) {
  const std::string body = json{{"data", std::string(5000, 'x')}}.dump();
  Reply r = Call(port(1), "POST", N(Unique()), body);
  EXPECT_EQ(r.status, 413) << r.Describe();
  EXPECT_EQ(r.error_code, "BODY_TOO_LARGE");
  ExpectOthersServed(port(1));
  EXPECT_EQ(Get(port(2), N(Unique())).status, 404);
}

TEST_F(Limits, HeaderSize) {
  Reply r = Call(port(2), "GET", N("/x"), {}, "X-Filler: " + std::string(3000, 'a') + "\r\n");
  EXPECT_EQ(r.status, 431) << r.Describe();
  EXPECT_EQ(r.error_code, "HEADER_TOO_LARGE");
  ExpectOthersServed(port(2));
}

TEST_F(Limits, PathLength) {
  const std::string longest = "/" + std::string(199, 'p');
  ASSERT_TRUE(Post(port(3), N(longest), json::object()).ok()) << "exactly at the limit";
  ASSERT_TRUE(Delete(port(3), N(longest)).ok());
  Reply r = Post(port(3), N("/" + std::string(200, 'p')), json::object());
  EXPECT_EQ(r.status, 400) << r.Describe();
  EXPECT_EQ(r.error_code, "INVALID_PATH");
  ExpectOthersServed(port(3));
}

TEST_F(Limits, DataSize) {
  Reply r = Post(port(1), N(Unique()), {{"data_b64", std::string(1368, 'A')}});  // 1026 bytes
  EXPECT_EQ(r.status, 413) << r.Describe();
  EXPECT_EQ(r.error_code, "DATA_TOO_LARGE");
  ASSERT_TRUE(Post(port(1), N(Unique()), {{"data", std::string(1024, 'd')}}).ok());
  Reply set = Put(port(2), N(Unique()), {{"data", std::string(1025, 'd')}});
  EXPECT_EQ(set.error_code, "DATA_TOO_LARGE");
  ExpectOthersServed(port(1));
}

TEST_F(Limits, KeepaliveRate) {
  const std::string s = Post(port(1), "/v1/sessions", {{"ttl_ms", 30000}}).json.value("id", "");
  ASSERT_FALSE(s.empty());
  int refused = 0;
  for (int i = 0; i < 12; ++i) {
    Reply k = Call(port(1 + i % 3), "POST", "/v1/sessions/" + s + "/keepalive");
    if (k.status == 429) {
      ++refused;
      EXPECT_EQ(k.error_code, "RATE_LIMITED");
    } else {
      EXPECT_TRUE(k.ok()) << k.Describe();
    }
  }
  EXPECT_GE(refused, 6);
  ExpectOthersServed(port(1));
}

TEST_F(Limits, HeaderReadTimeout) {
  // Slowloris: half a request line, then silence.
  TestClient slow(port(2), std::chrono::seconds(5));
  ASSERT_TRUE(slow.Send("GET /v1/nodes/ HTTP/1.1\r\nHost: a\r\n"));
  const auto start = Clock::now();
  ExpectOthersServed(port(2));
  std::optional<std::string> all = slow.ReadUntilClose();
  ASSERT_TRUE(all.has_value()) << "the server kept a slow connection open";
  const auto took = Clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(400));
  EXPECT_LE(took, std::chrono::milliseconds(3000));
  std::optional<http::testing::ClientResponse> r = http::testing::ParseResponseText(*all);
  ASSERT_TRUE(r.has_value()) << *all;
  EXPECT_EQ(r->status, 408);
  EXPECT_EQ(r->ErrorCode(), "REQUEST_TIMEOUT");
}

TEST_F(Limits, IdleTimeout) {
  TestClient idle(port(3), std::chrono::seconds(6));
  std::optional<http::testing::ClientResponse> r = idle.Roundtrip("GET", "/health");
  ASSERT_TRUE(r && r->status == 200 && r->keep_alive);
  const auto start = Clock::now();
  std::optional<std::string> rest = idle.ReadUntilClose();
  ASSERT_TRUE(rest.has_value()) << "idle connection not closed";
  EXPECT_TRUE(rest->empty()) << "closed without a reply";
  const auto took = Clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(1300));
  EXPECT_LE(took, std::chrono::milliseconds(4000));
  ExpectOthersServed(port(3));
}

// Last in the suite: the server notices closed connections asynchronously, so a test right
// after this one could still find the slots taken.
TEST_F(Limits, Connections) {
  // Fill the node's 16 connection slots, each proven served by one request.
  std::vector<std::unique_ptr<TestClient>> held;
  for (int i = 0; i < 16; ++i) {
    held.push_back(std::make_unique<TestClient>(port(1), std::chrono::seconds(5)));
    std::optional<http::testing::ClientResponse> r = held.back()->Roundtrip("GET", "/health");
    ASSERT_TRUE(r && r->status == 200) << "connection " << i;
  }
  TestClient extra(port(1), std::chrono::seconds(5));
  std::optional<http::testing::ClientResponse> refused = extra.Roundtrip("GET", "/health");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->ErrorCode(), "TOO_MANY_CONNECTIONS");
  // The held connections still work, and other nodes are unaffected.
  std::optional<http::testing::ClientResponse> again = held[3]->Roundtrip("GET", "/health");
  ASSERT_TRUE(again && again->status == 200);
  ExpectOthersServed(port(2));
  // Closing one frees a slot (once the server has noticed the close).
  held.pop_back();
  EXPECT_TRUE(Eventually([&] { return Get(port(1), "/health").ok(); }, std::chrono::seconds(5)));
}

}  // namespace
}  // namespace coord::api::testing
