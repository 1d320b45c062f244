// Sessions against a real 3-process cluster: open, keepalive through any node, ephemerals,
// close, expiry by the leader within about a second of the deadline, and the keepalive rate
// limit.
#include <nlohmann/json.hpp>

#include "tests/api/cluster_fixture.h"

namespace coord::api::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

class Sessions : public ClusterTest {
 protected:
  static void SetUpTestSuite() { StartShared(3, {"--keepalive-rate", "5"}); }
  static void TearDownTestSuite() { StopShared(); }

  static std::string Open(uint16_t via, int64_t ttl_ms) {
    Reply r = Post(via, "/v1/sessions", {{"ttl_ms", ttl_ms}});
    EXPECT_TRUE(r.ok()) << r.Describe();
    return r.json["id"].is_string() ? r.json["id"].get<std::string>() : "";
  }
};

std::string N(const std::string& path) { return "/v1/nodes" + path; }
std::string S(const std::string& id) { return "/v1/sessions/" + id; }

TEST_F(Sessions, OpenGrantsAClampedTtl) {
  Reply r = Post(port(2), "/v1/sessions", {{"ttl_ms", 5000}});
  ASSERT_TRUE(r.ok()) << r.Describe();
  EXPECT_TRUE(r.json["id"].is_string());
  EXPECT_EQ(r.json["ttl_ms"], 5000);
  EXPECT_EQ(Post(port(2), "/v1/sessions", {{"ttl_ms", 1}}).json["ttl_ms"], 1000) << "clamped to the minimum";
  EXPECT_EQ(Post(port(2), "/v1/sessions", {{"ttl_ms", int64_t{1} << 60}}).json["ttl_ms"], 600000);
  EXPECT_EQ(Post(port(2), "/v1/sessions", json::object()).json["ttl_ms"], 10000) << "the default";
  EXPECT_EQ(Post(port(2), "/v1/sessions", {{"ttl_ms", -5}}).status, 400);
  EXPECT_EQ(Post(port(2), "/v1/sessions", {{"ttl_ms", "5000"}}).status, 400);
}

TEST_F(Sessions, EphemeralsBelongToTheirSessionAndGoWithIt) {
  const std::string p = Unique();
  ASSERT_TRUE(Post(port(1), N(p), json::object()).ok());
  const std::string id = Open(port(1), 30000);
  Reply e = Post(port(2), N(p + "/e"), {{"mode", "ephemeral"}, {"session", id}});
  ASSERT_TRUE(e.ok()) << e.Describe();
  EXPECT_EQ(e.json["stat"]["ephemeral_owner"], id);
  // The session header names the owner too.
  Reply es = Post(port(3), N(p + "/lock-"), {{"mode", "ephemeral_sequential"}},
                  "Coord-Session: " + id + "\r\n");
  ASSERT_TRUE(es.ok()) << es.Describe();
  EXPECT_EQ(es.json["path"], p + "/lock-0000000001");
  Reply children_of_ephemeral = Post(port(3), N(p + "/e/child"), json::object());
  EXPECT_EQ(children_of_ephemeral.status, 409);
  EXPECT_EQ(children_of_ephemeral.error_code, "NO_CHILDREN_FOR_EPHEMERALS");

  Reply info = Get(port(3), S(id));
  ASSERT_TRUE(info.ok()) << info.Describe();
  EXPECT_EQ(info.json["id"], id);
  EXPECT_EQ(info.json["ttl_ms"], 30000);
  EXPECT_EQ(info.json["ephemerals"], json::array({p + "/e", p + "/lock-0000000001"}));
  EXPECT_TRUE(info.json["remaining_ms"].is_number()) << info.Describe();
  EXPECT_LE(info.json["remaining_ms"].get<int64_t>(), 30000);

  Reply closed = Delete(port(2), S(id));
  ASSERT_TRUE(closed.ok()) << closed.Describe();
  EXPECT_EQ(closed.json["deleted"], json::array({p + "/e", p + "/lock-0000000001"}));
  EXPECT_EQ(Get(port(1), N(p + "/e")).status, 404);
  Reply again = Delete(port(1), S(id));
  EXPECT_EQ(again.status, 410);
  EXPECT_EQ(again.error_code, "SESSION_EXPIRED");
  EXPECT_EQ(Get(port(1), S(id)).status, 410);
  EXPECT_EQ(Call(port(1), "POST", S(id) + "/keepalive").status, 410);
  Reply late = Post(port(1), N(p + "/late"), {{"mode", "ephemeral"}, {"session", id}});
  EXPECT_EQ(late.status, 410);
  EXPECT_EQ(late.error_code, "SESSION_EXPIRED");
}

TEST_F(Sessions, KeepalivesThroughAnyNodeKeepTheSessionAlive) {
  const std::string p = Unique();
  const std::string id = Open(port(1), 1000);
  ASSERT_TRUE(Post(port(1), N(p), {{"mode", "ephemeral"}, {"session", id}}).ok());
  // Three TTLs' worth of keepalives, each well within the TTL, through every node in turn.
  const auto until = Clock::now() + std::chrono::milliseconds(3000);
  int i = 0;
  while (Clock::now() < until) {
    Reply k = Call(port(1 + i++ % 3), "POST", S(id) + "/keepalive");
    ASSERT_TRUE(k.ok()) << k.Describe();
    EXPECT_EQ(k.json["ttl_ms"], 1000);
    // Wait a third of the TTL, observing that the node is still there meanwhile.
    const auto next = Clock::now() + std::chrono::milliseconds(300);
    while (Clock::now() < next) ASSERT_TRUE(Get(port(2), N(p)).ok());
  }
  EXPECT_TRUE(Get(port(3), N(p)).ok());
}

TEST_F(Sessions, ExpiryDeletesEphemeralsWithinAboutASecondOfTheDeadline) {
  const std::string p = Unique();
  const std::string id = Open(port(2), 1000);
  ASSERT_TRUE(Post(port(3), N(p), {{"mode", "ephemeral"}, {"session", id}}).ok());
  Reply k = Call(port(1), "POST", S(id) + "/keepalive");
  ASSERT_TRUE(k.ok()) << k.Describe();
  const auto last_keepalive = Clock::now();
  ASSERT_TRUE(Eventually([&] { return Get(port(1), N(p)).status == 404; }, std::chrono::seconds(5)));
  const auto gone_after = Clock::now() - last_keepalive;
  EXPECT_GE(gone_after, std::chrono::milliseconds(900)) << "expired before its TTL";
  EXPECT_LE(gone_after, std::chrono::milliseconds(2500)) << "expired too late";
  EXPECT_EQ(Call(port(2), "POST", S(id) + "/keepalive").error_code, "SESSION_EXPIRED");
  EXPECT_EQ(Get(port(2), S(id)).error_code, "SESSION_EXPIRED");
}

TEST_F(Sessions, KeepalivesAreRateLimitedPerSession) {
  const std::string busy = Open(port(1), 30000);
  const std::string calm = Open(port(1), 30000);
  int limited = 0;
  Reply refused;
  for (int i = 0; i < 20; ++i) {
    Reply k = Call(port(1 + i % 3), "POST", S(busy) + "/keepalive");
    if (k.status == 429) {
      ++limited;
      refused = k;
    } else {
      ASSERT_TRUE(k.ok()) << k.Describe();
    }
  }
  EXPECT_GE(limited, 10) << "burst 5 at 5/s: most of 20 quick keepalives are refused";
  EXPECT_EQ(refused.error_code, "RATE_LIMITED");
  EXPECT_EQ(refused.retry_after, "1");
  // Another session is not affected.
  EXPECT_TRUE(Call(port(2), "POST", S(calm) + "/keepalive").ok());
  EXPECT_TRUE(Get(port(3), S(busy)).ok()) << "the session itself lives on";
}

TEST_F(Sessions, BadSessionIds) {
  EXPECT_EQ(Call(port(1), "POST", "/v1/sessions/abc/keepalive").error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Get(port(1), "/v1/sessions/0").error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Get(port(1), "/v1/sessions/99999999999999999999999").error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Get(port(1), "/v1/sessions/123456").error_code, "SESSION_EXPIRED");
  EXPECT_EQ(Post(port(1), N(Unique()), {{"mode", "ephemeral"}, {"session", "x"}}).error_code,
            "INVALID_PARAMETER");
  EXPECT_EQ(Post(port(1), N(Unique()), {{"mode", "ephemeral"}, {"session", "123456"}}).error_code,
            "SESSION_EXPIRED");
}

}  // namespace
}  // namespace coord::api::testing
