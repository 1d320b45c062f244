// Exactly-once writes over HTTP: a retry with the same (session, Idempotency-Key) answers the
// first execution's result instead of executing again, also through another node and after
// the leader that executed it was killed.
#include <signal.h>

#include <nlohmann/json.hpp>

#include "tests/api/cluster_fixture.h"

namespace coord::api::testing {
namespace {

using nlohmann::json;

std::string N(const std::string& path) { return "/v1/nodes" + path; }
std::string Key(const std::string& session, uint64_t key) {
  return "Coord-Session: " + session + "\r\nIdempotency-Key: " + std::to_string(key) + "\r\n";
}

class ExactlyOnce : public ClusterTest {
 protected:
  static void SetUpTestSuite() { StartShared(3, {}); }
  static void TearDownTestSuite() { StopShared(); }

  static std::string Open(uint16_t via) {
    Reply r = Post(via, "/v1/sessions", {{"ttl_ms", 60000}});
    EXPECT_TRUE(r.ok()) << r.Describe();
    return r.json.value("id", "");
  }
};

TEST_F(ExactlyOnce, ARetryAnswersTheFirstResult) {
  const std::string p = Unique();
  ASSERT_TRUE(Post(port(1), N(p), json::object()).ok());
  const std::string s = Open(port(1));
  Reply first = Post(port(1), N(p + "/item-"), {{"mode", "sequential"}, {"data", "a"}}, Key(s, 1));
  ASSERT_TRUE(first.ok()) << first.Describe();
  // The same request again, through every node: the same path and zxid, nothing new.
  for (uint64_t id : cluster().ids()) {
    Reply retry = Post(port(id), N(p + "/item-"), {{"mode", "sequential"}, {"data", "a"}}, Key(s, 1));
    ASSERT_TRUE(retry.ok()) << retry.Describe();
    EXPECT_EQ(retry.json, first.json) << "via node " << id;
  }
  EXPECT_EQ(Get(port(2), N(p) + "?children=true").json["children"].size(), 1u);
  // A new key is a new write.
  Reply second = Post(port(2), N(p + "/item-"), {{"mode", "sequential"}}, Key(s, 2));
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second.json["path"], first.json["path"]);

  // Set: a retried set does not bump the version twice.
  Reply set = Put(port(3), N(p), {{"data", "x"}}, Key(s, 3));
  ASSERT_TRUE(set.ok());
  Reply set_again = Put(port(1), N(p), {{"data", "x"}}, Key(s, 3));
  EXPECT_EQ(set_again.json, set.json);
  EXPECT_EQ(Get(port(1), N(p)).json["stat"]["version"], 1);

  // A refusal is remembered too: the retry of a failed create answers the same error even
  // though the node now exists for another reason.
  Reply refused = Post(port(1), N(p + "/x/y"), json::object(), Key(s, 4));
  EXPECT_EQ(refused.error_code, "NO_NODE");
  ASSERT_TRUE(Post(port(1), N(p + "/x/y") + "?parents=true", json::object()).ok());
  EXPECT_EQ(Post(port(1), N(p + "/x/y"), json::object(), Key(s, 4)).error_code, "NO_NODE");

  // Recursive delete and transactions replay as well.
  Reply del = Delete(port(2), N(p + "/x") + "?recursive=true", Key(s, 5));
  ASSERT_TRUE(del.ok()) << del.Describe();
  Reply del_again = Delete(port(3), N(p + "/x") + "?recursive=true", Key(s, 5));
  EXPECT_EQ(del_again.json, del.json) << del_again.Describe();
  json txn = {{"ops", json::array({{{"op", "create"}, {"path", p + "/t-"}, {"mode", "sequential"}}})}};
  Reply t1 = Post(port(1), "/v1/txn", txn, Key(s, 6));
  ASSERT_TRUE(t1.ok());
  EXPECT_EQ(Post(port(2), "/v1/txn", txn, Key(s, 6)).json, t1.json);
}

TEST_F(ExactlyOnce, KeysAreScopedToASessionAndBounded) {
  const std::string p = Unique();
  ASSERT_TRUE(Post(port(1), N(p), json::object()).ok());
  Reply no_session = Post(port(1), N(p + "/a"), json::object(), "Idempotency-Key: 1\r\n");
  EXPECT_EQ(no_session.status, 400);
  EXPECT_EQ(no_session.error_code, "INVALID_PARAMETER");
  const std::string s = Open(port(1));
  EXPECT_EQ(Post(port(1), N(p + "/a"), json::object(), "Coord-Session: " + s + "\r\nIdempotency-Key: abc\r\n")
                .error_code,
            "INVALID_PARAMETER");
  EXPECT_EQ(Post(port(1), N(p + "/a"), json::object(), Key(s, 1) + "Idempotency-Key: 2\r\n").error_code,
            "INVALID_PARAMETER");
  // Two sessions may use the same key independently.
  const std::string other = Open(port(2));
  ASSERT_TRUE(Post(port(1), N(p + "/a"), json::object(), Key(s, 1)).ok());
  ASSERT_TRUE(Post(port(1), N(p + "/b"), json::object(), Key(other, 1)).ok());
  EXPECT_TRUE(Get(port(3), N(p + "/b")).ok());
  // Each session keeps its last 64 answers; an older key is refused, not executed again.
  for (uint64_t k = 2; k <= 70; ++k) {
    ASSERT_TRUE(Put(port(1 + k % 3), N(p + "/a"), {{"data", std::to_string(k)}}, Key(s, k)).ok());
  }
  Reply stale = Post(port(1), N(p + "/a"), json::object(), Key(s, 1));
  EXPECT_EQ(stale.status, 409) << stale.Describe();
  EXPECT_EQ(stale.error_code, "STALE_REQUEST");
  // The table goes with its session.
  ASSERT_TRUE(Delete(port(1), "/v1/sessions/" + s).ok());
  EXPECT_EQ(Put(port(1), N(p + "/a"), {{"data", "70"}}, Key(s, 70)).error_code, "SESSION_EXPIRED");
}

TEST_F(ExactlyOnce, ARetrySurvivesTheLeadersDeath) {
  const std::string p = Unique();
  const uint64_t leader = cluster().AwaitLeader();
  ASSERT_NE(leader, 0u);
  const std::string s = Open(port(leader));
  Reply first = Post(port(leader), N(p), {{"data", "once"}}, Key(s, 1));
  ASSERT_TRUE(first.ok()) << first.Describe();
  cluster().Kill(leader);
  const uint64_t other = cluster().AnyRunningExcept(leader);
  // The dedup table is replicated: the new leader answers the retry from it. (The retry may
  // first meet the election: it waits for a leader within --leader-wait-ms.)
  Reply retry;
  ASSERT_TRUE(Eventually([&] {
    retry = Post(port(other), N(p), {{"data", "once"}}, Key(s, 1));
    return retry.status != 503;
  }, std::chrono::seconds(15))) << retry.Describe();
  EXPECT_EQ(retry.json, first.json) << retry.Describe();
  cluster().StartNode(leader);
  ASSERT_TRUE(cluster().AwaitReady(leader));
}

}  // namespace
}  // namespace coord::api::testing
