// POST /v1/txn against a real 3-process cluster: all or nothing, a result per op, and which op
// failed and why.
#include <nlohmann/json.hpp>

#include "tests/api/cluster_fixture.h"

namespace coord::api::testing {
namespace {

using nlohmann::json;

class Txn : public ClusterTest {
 protected:
  static void SetUpTestSuite() { StartShared(3, {"--max-data-bytes", "1024"}); }
  static void TearDownTestSuite() { StopShared(); }
};

std::string N(const std::string& path) { return "/v1/nodes" + path; }

TEST_F(Txn, EveryOpKindInOneTransaction) {
  const std::string p = Unique();
  ASSERT_TRUE(Post(port(1), N(p), {{"data", "v0"}}).ok());
  ASSERT_TRUE(Post(port(1), N(p + "/old"), json::object()).ok());
  json ops = json::array({
      {{"op", "check"}, {"path", p}, {"version", 0}},
      {{"op", "create"}, {"path", p + "/new"}, {"data", "n"}},
      {{"op", "create"}, {"path", p + "/seq-"}, {"mode", "sequential"}, {"data_b64", "AAE="}},
      {{"op", "set"}, {"path", p}, {"data", "v1"}, {"version", 0}},
      {{"op", "delete"}, {"path", p + "/old"}},
  });
  Reply r = Post(port(2), "/v1/txn", {{"ops", ops}});
  ASSERT_TRUE(r.ok()) << r.Describe();
  const json& results = r.json["results"];
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0], json({{"op", "check"}, {"path", p}}));
  EXPECT_EQ(results[1]["path"], p + "/new");
  EXPECT_EQ(results[2]["path"], p + "/seq-0000000002");  // cversion counts the two creates before
  EXPECT_EQ(results[3]["stat"]["version"], 1);
  EXPECT_EQ(results[4], json({{"op", "delete"}, {"path", p + "/old"}}));
  // One zxid for all.
  EXPECT_EQ(results[1]["stat"]["czxid"], r.json["zxid"]);
  EXPECT_EQ(results[3]["stat"]["mzxid"], r.json["zxid"]);
  Reply children = Get(port(3), N(p) + "?children=true");
  EXPECT_EQ(children.json["children"], json::array({"new", "seq-0000000002"}));
  EXPECT_EQ(Get(port(3), N(p)).json["data"], "v1");
}

TEST_F(Txn, AFailedOpRollsBackEverything) {
  const std::string p = Unique();
  ASSERT_TRUE(Post(port(1), N(p), json::object()).ok());
  json ops = json::array({
      {{"op", "create"}, {"path", p + "/a"}},
      {{"op", "set"}, {"path", p}, {"data", "x"}, {"version", 5}},
      {{"op", "create"}, {"path", p + "/b"}},
  });
  Reply r = Post(port(3), "/v1/txn", {{"ops", ops}});
  EXPECT_EQ(r.status, 409) << r.Describe();
  EXPECT_EQ(r.error_code, "BAD_VERSION");
  EXPECT_EQ(r.json["error"]["failed_op"], 1);
  ASSERT_EQ(r.json["results"].size(), 3u);
  EXPECT_EQ(r.json["results"][0]["error"], "ROLLED_BACK");
  EXPECT_EQ(r.json["results"][1]["error"], "BAD_VERSION");
  EXPECT_EQ(r.json["results"][2]["error"], "NOT_ATTEMPTED");
  EXPECT_EQ(Get(port(1), N(p + "/a")).status, 404) << "the first op was rolled back";
  EXPECT_EQ(Get(port(1), N(p)).json["stat"]["version"], 0);

  Reply missing = Post(port(2), "/v1/txn",
                       {{"ops", json::array({{{"op", "check"}, {"path", p + "/nope"}}})}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.error_code, "NO_NODE");
  EXPECT_EQ(missing.json["error"]["failed_op"], 0);
}

TEST_F(Txn, MalformedOpsAreRefusedBeforeAnythingIsProposed) {
  const std::string p = Unique();
  struct Case {
    json ops;
    int failed_op;
    std::string code;
  };
  const std::vector<Case> cases = {
      {json::array({{{"op", "create"}, {"path", p}}, {{"op", "frobnicate"}, {"path", p}}}), 1,
       "INVALID_PARAMETER"},
      {json::array({{{"path", p}}}), 0, "INVALID_PARAMETER"},
      {json::array({{{"op", "create"}}}), 0, "INVALID_PARAMETER"},
      {json::array({{{"op", "create"}, {"path", "relative"}}}), 0, "INVALID_PATH"},
      {json::array({{{"op", "check"}, {"path", p}, {"data", "x"}}}), 0, "INVALID_PARAMETER"},
      {json::array({{{"op", "set"}, {"path", p}, {"version", "1"}}}), 0, "INVALID_PARAMETER"},
      {json::array({{{"op", "create"}, {"path", p}, {"data", std::string(2000, 'x')}}}), 0,
       "DATA_TOO_LARGE"},
      {json::array({{{"op", "create"}, {"path", p}, {"mode", "ephemeral"}}}), 0, "INVALID_PARAMETER"},
      {json::array({json(7)}), 0, "INVALID_PARAMETER"},
  };
  for (const Case& c : cases) {
    Reply r = Post(port(1), "/v1/txn", {{"ops", c.ops}});
    EXPECT_EQ(r.error_code, c.code) << c.ops.dump() << " -> " << r.Describe();
    EXPECT_EQ(r.json["error"]["failed_op"], c.failed_op) << c.ops.dump();
  }
  EXPECT_EQ(Post(port(1), "/v1/txn", json::object()).error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Post(port(1), "/v1/txn", {{"ops", json::object()}}).error_code, "INVALID_PARAMETER");
  EXPECT_EQ(Post(port(1), "/v1/txn", {{"ops", json::array()}, {"extra", 1}}).error_code,
            "INVALID_PARAMETER");
  json many = json::array();
  for (int i = 0; i < 1001; ++i) many.push_back({{"op", "check"}, {"path", "/"}});
  Reply too_many = Post(port(1), "/v1/txn", {{"ops", many}});
  EXPECT_EQ(too_many.status, 400);
  EXPECT_EQ(too_many.error_code, "INVALID_ARGUMENT");
  EXPECT_EQ(Get(port(1), N(p)).status, 404) << "nothing was written";
}

TEST_F(Txn, EmptyTransactionCommits) {
  Reply r = Post(port(2), "/v1/txn", {{"ops", json::array()}});
  ASSERT_TRUE(r.ok()) << r.Describe();
  EXPECT_EQ(r.json["results"], json::array());
  EXPECT_GT(r.json["zxid"].get<uint64_t>(), 0u);
}

}  // namespace
}  // namespace coord::api::testing
