// /v1/nodes against a real 3-process cluster: every operation and its errors, through the
// leader and through followers, with linearizable and serializable reads.
#include <nlohmann/json.hpp>

#include "tests/api/cluster_fixture.h"

namespace coord::api::testing {
namespace {

using nlohmann::json;

class Nodes : public ClusterTest {
 protected:
  static void SetUpTestSuite() { StartShared(3, {}); }
  static void TearDownTestSuite() { StopShared(); }
};

std::string N(const std::string& path) { return "/v1/nodes" + path; }

TEST_F(Nodes, CreateThroughAFollowerIsReadableOnEveryNode) {
  const std::string p = Unique();
  Reply created = Post(follower_port(), N(p), {{"data", "hello"}});
  ASSERT_TRUE(created.ok()) << created.Describe();
  EXPECT_EQ(created.json["path"], p);
  EXPECT_GT(created.json["zxid"].get<uint64_t>(), 0u);
  EXPECT_EQ(created.json["stat"]["version"], 0);
  EXPECT_EQ(created.json["stat"]["data_length"], 5);
  EXPECT_EQ(created.json["stat"]["czxid"], created.json["zxid"]);
  EXPECT_EQ(created.json["stat"]["ephemeral_owner"], "0");
  for (uint64_t id : cluster().ids()) {
    // Linearizable by default: every node sees a write that was acknowledged, at once.
    Reply got = Get(port(id), N(p));
    ASSERT_TRUE(got.ok()) << "node " << id << ": " << got.Describe();
    EXPECT_EQ(got.json["data"], "hello");
    EXPECT_EQ(got.json["stat"], created.json["stat"]);
    EXPECT_GE(got.json["zxid"].get<uint64_t>(), created.json["zxid"].get<uint64_t>());
  }
}

TEST_F(Nodes, LinearizableReadsSeeWritesMadeThroughOtherNodes) {
  const std::string p = Unique();
  ASSERT_TRUE(Post(port(1), N(p), {{"data", "0"}}).ok());
  for (int i = 1; i <= 20; ++i) {
    const uint64_t writer = 1 + i % 3;
    const uint64_t reader = 1 + (i + 1) % 3;
    Reply set = Put(port(writer), N(p), {{"data", std::to_string(i)}});
    ASSERT_TRUE(set.ok()) << set.Describe();
    Reply got = Get(port(reader), N(p));
    ASSERT_TRUE(got.ok()) << got.Describe();
    EXPECT_EQ(got.json["data"], std::to_string(i)) << "write via " << writer << ", read via " << reader;
  }
}

TEST_F(Nodes, SerializableReadsServeTheLocalReplica) {
  const std::string p = Unique();
  ASSERT_TRUE(Post(leader_port(), N(p), {{"data", "x"}}).ok());
  const uint16_t follower = follower_port();
  // A follower applies the write shortly after the leader; a serializable read shows it once
  // it has, without a round to the leader.
  EXPECT_TRUE(Eventually([&] { return Get(follower, N(p) + "?consistency=serializable").ok(); }));
  Reply bad = Get(follower, N(p) + "?consistency=eventual");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_code, "INVALID_PARAMETER");
}

TEST_F(Nodes, CreateErrors) {
  const std::string p = Unique();
  Reply no_parent = Post(port(2), N(p + "/a/b"), json::object());
  EXPECT_EQ(no_parent.status, 404) << no_parent.Describe();
  EXPECT_EQ(no_parent.error_code, "NO_NODE");
  ASSERT_TRUE(Post(port(2), N(p), json::object()).ok());
  Reply exists = Post(port(3), N(p), json::object());
  EXPECT_EQ(exists.status, 409);
  EXPECT_EQ(exists.error_code, "NODE_EXISTS");
  Reply root = Post(port(1), "/v1/nodes", json::object());
  EXPECT_EQ(root.status, 409);
  EXPECT_EQ(root.error_code, "NODE_EXISTS");
  Reply bad_mode = Post(port(1), N(p + "/m"), {{"mode", "forever"}});
  EXPECT_EQ(bad_mode.status, 400);
  EXPECT_EQ(bad_mode.error_code, "INVALID_PARAMETER");
  Reply ephemeral = Post(port(1), N(p + "/e"), {{"mode", "ephemeral"}});
  EXPECT_EQ(ephemeral.status, 400) << "an ephemeral needs a session";
  Reply ttl_missing = Post(port(1), N(p + "/t"), {{"mode", "ttl"}});
  EXPECT_EQ(ttl_missing.status, 400);
  Reply ttl_wrong_mode = Post(port(1), N(p + "/t"), {{"ttl_ms", 100}});
  EXPECT_EQ(ttl_wrong_mode.status, 400);
  // None of these wrote anything.
  Reply children = Get(port(1), N(p) + "?children=true");
  ASSERT_TRUE(children.ok());
  EXPECT_TRUE(children.json["children"].empty()) << children.Describe();
}

TEST_F(Nodes, ParentsAreCreatedInOneTransaction) {
  const std::string p = Unique();
  Reply r = Post(port(3), N(p + "/a/b/c") + "?parents=true", {{"data", "leaf"}});
  ASSERT_TRUE(r.ok()) << r.Describe();
  EXPECT_EQ(r.json["path"], p + "/a/b/c");
  EXPECT_EQ(r.json["created_parents"], json::array({p, p + "/a", p + "/a/b"}));
  EXPECT_TRUE(Get(port(1), N(p + "/a/b")).ok());
  // Existing parents are fine; the node itself existing is not.
  EXPECT_TRUE(Post(port(1), N(p + "/a/x") + "?parents=true", json::object()).ok());
  Reply again = Post(port(1), N(p + "/a/b/c") + "?parents=true", json::object());
  EXPECT_EQ(again.error_code, "NODE_EXISTS") << again.Describe();
}

TEST_F(Nodes, SequentialNodesAreNumberedInCreationOrder) {
  const std::string p = Unique();
  ASSERT_TRUE(Post(port(1), N(p), json::object()).ok());
  for (int i = 0; i < 3; ++i) {
    Reply r = Post(port(1 + i % 3), N(p + "/job-"), {{"mode", "sequential"}});
    ASSERT_TRUE(r.ok()) << r.Describe();
    EXPECT_EQ(r.json["path"], p + "/job-000000000" + std::to_string(i));
  }
  // A prefix ending in '/' names the children by number only.
  Reply bare = Post(port(2), N(p + "/"), {{"mode", "sequential"}});
  ASSERT_TRUE(bare.ok()) << bare.Describe();
  EXPECT_EQ(bare.json["path"], p + "/0000000003");
}

TEST_F(Nodes, BinaryDataTravelsAsBase64) {
  const std::string p = Unique();
  // 0xff 0x00 0xfe 0x41: not UTF-8.
  Reply r = Post(port(2), N(p), {{"data_b64", "/wD+QQ=="}});
  ASSERT_TRUE(r.ok()) << r.Describe();
  EXPECT_EQ(r.json["stat"]["data_length"], 4);
  Reply got = Get(port(3), N(p));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.json["data_b64"], "/wD+QQ==");
  EXPECT_FALSE(got.json.contains("data"));
  // Text comes back as text, or as base64 on request.
  ASSERT_TRUE(Put(port(1), N(p), {{"data", "h\u00e9"}}).ok());
  EXPECT_EQ(Get(port(1), N(p)).json["data"], "h\u00e9");
  EXPECT_EQ(Get(port(1), N(p) + "?encoding=base64").json["data_b64"], "aMOp");
}

TEST_F(Nodes, SetWithAndWithoutVersion) {
  const std::string p = Unique();
  ASSERT_TRUE(Post(port(1), N(p), {{"data", "a"}}).ok());
  Reply set = Put(port(2), N(p) + "?version=0", {{"data", "b"}});
  ASSERT_TRUE(set.ok()) << set.Describe();
  EXPECT_EQ(set.json["stat"]["version"], 1);
  Reply stale = Put(port(3), N(p) + "?version=0", {{"data", "c"}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.error_code, "BAD_VERSION");
  Reply any = Put(port(3), N(p), {{"data", "d"}});
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any.json["stat"]["version"], 2);
  EXPECT_EQ(Get(port(1), N(p)).json["data"], "d");
  Reply missing = Put(port(1), N(p + "/nope"), {{"data", "x"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.error_code, "NO_NODE");
}

TEST_F(Nodes, DeleteWithVersionNotEmptyAndRecursive) {
  const std::string p = Unique();
  ASSERT_TRUE(Post(port(1), N(p + "/a/b") + "?parents=true", json::object()).ok());
  ASSERT_TRUE(Post(port(1), N(p + "/a/c"), json::object()).ok());
  Reply not_empty = Delete(port(2), N(p + "/a"));
  EXPECT_EQ(not_empty.status, 409);
  EXPECT_EQ(not_empty.error_code, "NOT_EMPTY");
  Reply bad_version = Delete(port(2), N(p + "/a/b") + "?version=7");
  EXPECT_EQ(bad_version.error_code, "BAD_VERSION");
  Reply ok = Delete(port(2), N(p + "/a/b") + "?version=0");
  ASSERT_TRUE(ok.ok()) << ok.Describe();
  EXPECT_EQ(ok.json["deleted"], 1);
  Reply recursive = Delete(port(3), N(p) + "?recursive=true");
  ASSERT_TRUE(recursive.ok()) << recursive.Describe();
  EXPECT_EQ(recursive.json["deleted"], 3);  // p, p/a, p/a/c
  EXPECT_EQ(Get(port(1), N(p)).status, 404);
  Reply gone = Delete(port(1), N(p));
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.error_code, "NO_NODE");
  Reply root = Delete(port(1), "/v1/nodes/");
  EXPECT_EQ(root.status, 400) << root.Describe();
}

TEST_F(Nodes, HeadAnswersExists) {
  const std::string p = Unique();
  ASSERT_TRUE(Post(port(1), N(p), {{"data", "x"}}).ok());
  Reply yes = Call(port(2), "HEAD", N(p));
  EXPECT_EQ(yes.status, 200);
  EXPECT_TRUE(yes.body.empty());
  Reply no = Call(port(3), "HEAD", N(p + "/no"));
  EXPECT_EQ(no.status, 404);
  EXPECT_TRUE(no.body.empty());
}

TEST_F(Nodes, ChildrenAreSortedWithStatsOnRequest) {
  const std::string p = Unique();
  ASSERT_TRUE(Post(port(1), N(p), json::object()).ok());
  for (const char* name : {"b", "a", "c"}) {
    ASSERT_TRUE(Post(port(2), N(p + "/" + name), {{"data", name}}).ok());
  }
  Reply names = Get(port(3), N(p) + "?children=true");
  ASSERT_TRUE(names.ok()) << names.Describe();
  EXPECT_EQ(names.json["children"], json::array({"a", "b", "c"}));
  EXPECT_EQ(names.json["stat"]["num_children"], 3);
  EXPECT_FALSE(names.json.contains("child_stats"));
  Reply stats = Get(port(3), N(p) + "?children=true&stats=true");
  ASSERT_EQ(stats.json["child_stats"].size(), 3u);
  EXPECT_EQ(stats.json["child_stats"][0]["data_length"], 1);
  EXPECT_EQ(Get(port(1), N(p + "/zz") + "?children=true").status, 404);
  EXPECT_EQ(Get(port(1), N(p) + "?stats=true").status, 400) << "stats needs children";
}

TEST_F(Nodes, ContainersAndTtlNodesAreRemovedByTheLeader) {
  const std::string p = Unique();
  ASSERT_TRUE(Post(port(1), N(p), {{"mode", "container"}}).ok());
  ASSERT_TRUE(Post(port(1), N(p + "/child"), json::object()).ok());
  ASSERT_TRUE(Delete(port(2), N(p + "/child")).ok());
  // Empty after having had a child: reaped within about a second.
  EXPECT_TRUE(Eventually([&] { return Get(port(3), N(p)).status == 404; }, std::chrono::seconds(5)));

  const std::string t = Unique("-ttl");
  Reply ttl = Post(port(2), N(t), {{"mode", "ttl"}, {"ttl_ms", 300}});
  ASSERT_TRUE(ttl.ok()) << ttl.Describe();
  const auto created = std::chrono::steady_clock::now();
  EXPECT_TRUE(Eventually([&] { return Get(port(3), N(t)).status == 404; }, std::chrono::seconds(5)));
  EXPECT_GE(std::chrono::steady_clock::now() - created, std::chrono::milliseconds(250));
}

TEST_F(Nodes, UnknownRoutesAndMethods) {
  Reply nothing = Get(port(1), "/v2/nodes/x");
  EXPECT_EQ(nothing.status, 404);
  EXPECT_EQ(nothing.error_code, "NOT_FOUND");
  Reply method = Call(port(1), "PATCH", "/v1/nodes/x", "{}");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.error_code, "METHOD_NOT_ALLOWED");
}

TEST_F(Nodes, ClusterHealthReadyAndMetrics) {
  Reply c = Get(port(2), "/v1/cluster");
  ASSERT_TRUE(c.ok()) << c.Describe();
  const uint64_t leader = cluster().AwaitLeader();
  EXPECT_EQ(c.json["leader"], leader);
  EXPECT_GE(c.json["term"].get<uint64_t>(), 1u);
  EXPECT_EQ(c.json["self"], 2);
  ASSERT_EQ(c.json["members"].size(), 3u);
  // Every member's client address is learnt through the leader within an announce interval.
  EXPECT_TRUE(Eventually([&] {
    Reply now = Get(port(2), "/v1/cluster");
    for (const json& m : now.json["members"]) {
      const uint64_t id = m["id"].get<uint64_t>();
      if (m["client"] != "127.0.0.1:" + std::to_string(port(id))) return false;
      if (m["peer"] != "127.0.0.1:" + std::to_string(cluster().node(id).peer_port)) return false;
      if (!m["applied"].is_number()) return false;
      if (m["role"] != (id == leader ? "leader" : "follower")) return false;
    }
    return true;
  })) << Get(port(2), "/v1/cluster").Describe();

  for (uint64_t id : cluster().ids()) {
    EXPECT_EQ(Get(port(id), "/health").status, 200);
    Reply ready = Get(port(id), "/ready");
    EXPECT_EQ(ready.status, 200) << ready.Describe();
  }
  Reply m = Get(port(1), "/metrics");
  ASSERT_EQ(m.status, 200);
  for (const char* series :
       {"coord_http_requests_total", "coord_http_request_duration_seconds_bucket", "coord_raft_term",
        "coord_raft_commit_index", "coord_raft_applied_index", "coord_raft_leader_changes_total",
        "coord_raft_proposals_pending", "coord_storage_fsync_duration_seconds_count",
        "coord_store_nodes", "coord_store_sessions", "coord_raft_snapshot_bytes_count",
        "coord_raft_snapshot_duration_seconds_count"}) {
    EXPECT_NE(m.body.find(series), std::string::npos) << series;
  }
}

}  // namespace
}  // namespace coord::api::testing
