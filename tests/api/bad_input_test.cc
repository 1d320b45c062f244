// Bad input against a real 3-process cluster: malformed HTTP, truncated bodies, invalid JSON
// and UTF-8, binary garbage, absurd numbers, bad paths. Each is a 4xx with the documented
// code (or a closed connection for garbage), never a crash and never a partial write; the
// server keeps serving.
#include <nlohmann/json.hpp>

#include "tests/api/cluster_fixture.h"
#include "tests/http/test_client.h"

namespace coord::api::testing {
namespace {

using http::testing::TestClient;
using nlohmann::json;

std::string N(const std::string& path) { return "/v1/nodes" + path; }

class BadInput : public ClusterTest {
 protected:
  static void SetUpTestSuite() { StartShared(3, {"--max-data-bytes", "1024", "--max-path-bytes", "256"}); }
  static void TearDownTestSuite() { StopShared(); }

  void TearDown() override {
    // Whatever the test sent, every node still serves, and the test's namespace holds
    // nothing that a refused request could have written.
    for (uint64_t id : cluster().ids()) {
      EXPECT_TRUE(cluster().Running(id)) << "node " << id << " died";
      EXPECT_EQ(Get(port(id), "/health").status, 200) << "node " << id;
    }
    Reply r = Get(port(1), N(Unique()));
    EXPECT_EQ(r.status, 404) << "a refused request wrote " << Unique() << ": " << r.Describe();
  }

  // Sends raw bytes on a fresh connection; the response, if the server sends one.
  static std::optional<http::testing::ClientResponse> Raw(uint16_t port, const std::string& bytes,
                                                          bool half_close = false) {
    TestClient c(port, std::chrono::seconds(5));
    if (!c.connected() || !c.Send(bytes)) return std::nullopt;
    if (half_close) c.ShutdownWrite();
    std::optional<std::string> all = c.ReadUntilClose();
    if (!all) return c.ReadResponse();
    return http::testing::ParseResponseText(*all);
  }
};

TEST_F(BadInput, InvalidJsonBodies) {
  const std::string p = N(Unique());
  struct Case {
    std::string body;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"{", "INVALID_JSON"},
      {"[1,2]", "INVALID_JSON"},
      {"\"text\"", "INVALID_JSON"},
      {"{\"data\": \"x\",}", "INVALID_JSON"},
      {"{\"data\": \"\\ud800\"}", "INVALID_JSON"},           // a lone surrogate escape
      {std::string("{\"data\": \"\xff\xfe\"}"), "INVALID_JSON"},  // invalid UTF-8 in data
      {std::string("{\"data\": \"\xc0\xaf\"}"), "INVALID_JSON"},  // overlong encoding
      {std::string(100, '[') + std::string(100, ']'), "INVALID_JSON"},
      {"{\"data\": 5}", "INVALID_PARAMETER"},
      {"{\"data\": \"a\", \"data_b64\": \"YQ==\"}", "INVALID_PARAMETER"},
      {"{\"data_b64\": \"not base64!\"}", "INVALID_PARAMETER"},
      {"{\"data_b64\": \"YR==\"}", "INVALID_PARAMETER"},  // non-canonical padding bits
      {"{\"unknown\": 1}", "INVALID_PARAMETER"},
      {"{\"mode\": \"ttl\", \"ttl_ms\": 1e999}", "INVALID_JSON"},
      {"{\"mode\": \"ttl\", \"ttl_ms\": 99999999999999999999999}", "INVALID_PARAMETER"},
      {"{\"mode\": \"ttl\", \"ttl_ms\": 1.5}", "INVALID_PARAMETER"},
      {"{\"mode\": \"ttl\", \"ttl_ms\": -1}", "INVALID_PARAMETER"},
      {"{\"mode\": \"ttl\", \"ttl_ms\": 9223372036854775807}", "INVALID_PARAMETER"},
      {"{\"mode\": 3}", "INVALID_PARAMETER"},
      {"{\"session\": -4, \"mode\": \"ephemeral\"}", "INVALID_PARAMETER"},
      {"{\"session\": \"18446744073709551616\", \"mode\": \"ephemeral\"}", "INVALID_PARAMETER"},
  };
  for (const Case& c : cases) {
    for (uint64_t id : cluster().ids()) {
      Reply r = Call(port(id), "POST", p, c.body);
      EXPECT_EQ(r.status, 400) << c.body << " -> " << r.Describe();
      EXPECT_EQ(r.error_code, c.code) << c.body << " -> " << r.Describe();
    }
  }
  Reply put = Call(port(2), "PUT", p, "{\"data\": [1]}");
  EXPECT_EQ(put.error_code, "INVALID_PARAMETER");
}

TEST_F(BadInput, AbsurdQueryParameters) {
  const std::string p = N(Unique());
  for (const char* q : {"?version=abc", "?version=", "?version=4294967296", "?version=-99999999999",
                        "?version=1&version=2", "?verison=1", "?version=1e3", "?version=%2B1"}) {
    Reply r = Call(port(1), "PUT", p + q, "{}");
    EXPECT_EQ(r.status, 400) << q << " -> " << r.Describe();
    EXPECT_EQ(r.error_code, "INVALID_PARAMETER") << q;
  }
  EXPECT_EQ(Call(port(1), "DELETE", p + "?recursive=maybe").error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Call(port(1), "POST", p + "?parents=yes", "{}").error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Get(port(1), p + "?children=2").error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Get(port(1), p + "?encoding=hex").error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Get(port(1), "/v1/cluster?x=1").error_code, "INVALID_PARAMETER");
  Reply bad_escape = Get(port(1), p + "?version=%zz");
  EXPECT_EQ(bad_escape.status, 400);
  EXPECT_EQ(bad_escape.error_code, "BAD_QUERY");
}

TEST_F(BadInput, InvalidPaths) {
  const std::string base = Unique();
  for (const std::string& bad :
       {base + "/a//b", base + "/./x", base + "/..", base + "/a/", base + "/%00x", base + "/%7F",
        base + "/%C2%80", base + "/%FF", base + "/%ED%A0%80", base + "/" + std::string(300, 'x')}) {
    Reply r = Call(port(2), "POST", N(bad), "{}");
    EXPECT_EQ(r.status, 400) << bad << " -> " << r.Describe();
    EXPECT_EQ(r.error_code, "INVALID_PATH") << bad;
    EXPECT_EQ(Get(port(2), N(bad)).error_code, "INVALID_PATH") << bad;
  }
  EXPECT_EQ(Call(port(2), "GET", "/v1/nodes/a%zz").error_code, "BAD_PATH");
}

TEST_F(BadInput, DataOverTheLimit) {
  Reply r = Post(port(3), N(Unique()), {{"data", std::string(1025, 'x')}});
  EXPECT_EQ(r.status, 413) << r.Describe();
  EXPECT_EQ(r.error_code, "DATA_TOO_LARGE");
  ASSERT_TRUE(Post(port(3), N(Unique("-ok")), {{"data", std::string(1024, 'x')}}).ok());
  ASSERT_TRUE(Delete(port(3), N(Unique("-ok"))).ok());
}

TEST_F(BadInput, MalformedHttp) {
  for (const std::string& bytes : {
           std::string("NOT HTTP AT ALL\r\n\r\n"),
           std::string("GET /v1/nodes/x HTTP/9.9\r\nHost: a\r\n\r\n"),
           std::string("GET /v1/nodes/x HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n"),
           std::string("POST /v1/nodes/x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
           std::string("POST /v1/nodes/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
           std::string("GET /v1/nodes/x HTTP/1.1\r\nBad Header Line\r\n\r\n"),
       }) {
    std::optional<http::testing::ClientResponse> r = Raw(port(1), bytes);
    ASSERT_TRUE(r) << "no reply to " << bytes;
    EXPECT_EQ(r->status, 400) << bytes;
    EXPECT_EQ(r->ErrorCode(), "MALFORMED_REQUEST") << bytes;
  }
}

TEST_F(BadInput, TruncatedBodyWritesNothing) {
  const std::string p = N(Unique());
  const std::string body = "{\"data\": \"0123456789\"}";
  std::string request = "POST " + p + " HTTP/1.1\r\nHost: a\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10);
  std::optional<http::testing::ClientResponse> r = Raw(port(2), request, /*half_close=*/true);
  if (r) {
    EXPECT_EQ(r->status, 400);
  }
  // TearDown checks the node was not created, on every node's behalf through node 1.
  EXPECT_EQ(Get(port(3), p).status, 404);
}

TEST_F(BadInput, BinaryGarbage) {
  std::string garbage;
  uint32_t x = 12345;
  for (int i = 0; i < 4096; ++i) {
    x = x * 1103515245 + 12345;
    garbage.push_back(static_cast<char>(x >> 16));
  }
  for (uint64_t id : cluster().ids()) {
    TestClient c(port(id), std::chrono::seconds(5));
    ASSERT_TRUE(c.connected());
    c.Send(garbage);
    // A 400 or a close; either way the connection ends and nothing hangs.
    EXPECT_TRUE(c.ReadUntilClose().has_value()) << "node " << id << " kept a garbage connection open";
  }
  // And garbage to the Raft peer port does not disturb the cluster.
  for (uint64_t id : cluster().ids()) {
    TestClient c(cluster().node(id).peer_port, std::chrono::seconds(5));
    if (!c.connected()) continue;
    c.Send(garbage);
    c.ReadUntilClose();
  }
  ASSERT_TRUE(Post(port(1), N(Unique("-after")), json::object()).ok());
  ASSERT_TRUE(Delete(port(2), N(Unique("-after"))).ok());
}

TEST_F(BadInput, HeadersThatContradictThemselves) {
  const std::string s = Post(port(1), "/v1/sessions", {{"ttl_ms", 30000}}).json.value("id", "");
  ASSERT_FALSE(s.empty());
  Reply two = Post(port(1), N(Unique()), json::object(),
                   "Coord-Session: " + s + "\r\nCoord-Session: " + s + "\r\n");
  EXPECT_EQ(two.error_code, "INVALID_PARAMETER");
  Reply disagree = Post(port(1), N(Unique()), {{"session", "12345"}}, "Coord-Session: " + s + "\r\n");
  EXPECT_EQ(disagree.error_code, "INVALID_PARAMETER");
  Reply bad = Post(port(1), N(Unique()), json::object(), "Coord-Session: 0x10\r\n");
  EXPECT_EQ(bad.error_code, "INVALID_PARAMETER");
  Reply del_body = Call(port(1), "DELETE", N(Unique()), "{}");
  EXPECT_EQ(del_body.error_code, "INVALID_PARAMETER");
}

}  // namespace
}  // namespace coord::api::testing
