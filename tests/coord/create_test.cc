// Create: every mode and every error, by table, plus stats, sequential numbering and the
// order in which checks are made (tree_ops.h).
#include <gtest/gtest.h>

#include "test_util.h"

namespace coord::store {
namespace {

using testing::TestStore;

struct CreateCase {
  const char* name;
  std::string path;
  std::string data;
  CreateMode mode;
  int64_t ttl_ms;
  bool with_session;        // act for the live session S
  uint64_t bogus_session;   // act for this (dead) session instead, if not 0
  Code want;
  std::string want_path;    // the created path, when want is kOk
};

// The fixture tree: /a, /a/b, /e (ephemeral of S); data limit 16 bytes.
class CreateTest : public ::testing::Test {
 protected:
  static Options Small() {
    Options o;
    o.max_data_bytes = 16;
    o.max_node_ttl_ms = 1'000'000;
    return o;
  }
  CreateTest() : t(Small()) {
    session = t.OpenSession();
    EXPECT_OK(t.Create("/a"));
    EXPECT_OK(t.Create("/a/b"));
    EXPECT_OK(t.Create("/e", "", CreateMode::kEphemeral, session));
  }
  TestStore t;
  uint64_t session = 0;
};

TEST_F(CreateTest, Table) {
  const std::string max_data(16, 'x');
  const std::vector<CreateCase> cases = {
      {"persistent", "/x", "d", CreateMode::kPersistent, 0, false, 0, Code::kOk, "/x"},
      {"nested", "/a/x", "", CreateMode::kPersistent, 0, false, 0, Code::kOk, "/a/x"},
      {"data at limit", "/x", max_data, CreateMode::kPersistent, 0, false, 0, Code::kOk, "/x"},
      {"ephemeral", "/x", "", CreateMode::kEphemeral, 0, true, 0, Code::kOk, "/x"},
      {"sequential", "/a/s-", "", CreateMode::kPersistentSequential, 0, false, 0, Code::kOk,
       "/a/s-0000000001"},
      {"sequential dir prefix", "/a/", "", CreateMode::kPersistentSequential, 0, false, 0,
       Code::kOk, "/a/0000000001"},
      {"ephemeral sequential", "/a/l-", "", CreateMode::kEphemeralSequential, 0, true, 0,
       Code::kOk, "/a/l-0000000001"},
      {"container", "/c", "", CreateMode::kContainer, 0, false, 0, Code::kOk, "/c"},
      {"ttl", "/t", "", CreateMode::kPersistentWithTtl, 500, false, 0, Code::kOk, "/t"},
      {"sequential ttl", "/t-", "", CreateMode::kPersistentSequentialWithTtl, 500, false, 0,
       Code::kOk, "/t-0000000002"},  // root has /a and /e: cversion 2
      {"persistent with a session", "/x", "", CreateMode::kPersistent, 0, true, 0, Code::kOk,
       "/x"},

      {"exists", "/a", "", CreateMode::kPersistent, 0, false, 0, Code::kNodeExists, ""},
      {"root", "/", "", CreateMode::kPersistent, 0, false, 0, Code::kNodeExists, ""},
      {"no parent", "/m/x", "", CreateMode::kPersistent, 0, false, 0, Code::kNoNode, ""},
      {"sequential no parent", "/m/", "", CreateMode::kPersistentSequential, 0, false, 0,
       Code::kNoNode, ""},
      {"under ephemeral", "/e/x", "", CreateMode::kPersistent, 0, false, 0,
       Code::kNoChildrenForEphemerals, ""},
      {"relative", "x", "", CreateMode::kPersistent, 0, false, 0, Code::kInvalidPath, ""},
      {"trailing slash", "/a/", "", CreateMode::kPersistent, 0, false, 0, Code::kInvalidPath, ""},
      {"dotdot", "/a/..", "", CreateMode::kPersistent, 0, false, 0, Code::kInvalidPath, ""},
      {"bad sequential prefix", "/a//", "", CreateMode::kPersistentSequential, 0, false, 0,
       Code::kInvalidPath, ""},
      {"data too large", "/x", max_data + "x", CreateMode::kPersistent, 0, false, 0,
       Code::kDataTooLarge, ""},
      {"ephemeral without session", "/x", "", CreateMode::kEphemeral, 0, false, 0,
       Code::kInvalidArgument, ""},
      {"ttl of zero", "/t", "", CreateMode::kPersistentWithTtl, 0, false, 0,
       Code::kInvalidArgument, ""},
      {"negative ttl", "/t", "", CreateMode::kPersistentWithTtl, -5, false, 0,
       Code::kInvalidArgument, ""},
      {"ttl over max", "/t", "", CreateMode::kPersistentWithTtl, 1'000'001, false, 0,
       Code::kInvalidArgument, ""},
      {"ttl without ttl mode", "/x", "", CreateMode::kPersistent, 5, false, 0,
       Code::kInvalidArgument, ""},
      {"unknown mode", "/x", "", static_cast<CreateMode>(200), 0, false, 0,
       Code::kInvalidArgument, ""},
      {"dead session", "/x", "", CreateMode::kPersistent, 0, false, 12345, Code::kSessionExpired,
       ""},
      // Check order: path before arguments before data before parent before existence.
      {"path before ttl", "bad", "", CreateMode::kPersistentWithTtl, 0, false, 0,
       Code::kInvalidPath, ""},
      {"ttl before data", "/t", max_data + "x", CreateMode::kPersistentWithTtl, 0, false, 0,
       Code::kInvalidArgument, ""},
      {"data before parent", "/m/x", max_data + "x", CreateMode::kPersistent, 0, false, 0,
       Code::kDataTooLarge, ""},
      {"session before all", "bad", "", CreateMode::kPersistent, 0, false, 12345,
       Code::kSessionExpired, ""},
  };
  for (const CreateCase& c : cases) {
    SCOPED_TRACE(c.name);
    TestStore fresh(Small());
    uint64_t s = fresh.OpenSession();
    ASSERT_OK(fresh.Create("/a"));
    ASSERT_OK(fresh.Create("/a/b"));
    ASSERT_OK(fresh.Create("/e", "", CreateMode::kEphemeral, s));
    const uint64_t acting = c.bogus_session ? c.bogus_session : (c.with_session ? s : 0);
    const uint64_t digest_nodes = fresh.store.node_count();
    auto r = fresh.Create(c.path, c.data, c.mode, acting, c.ttl_ms);
    EXPECT_CODE(r, c.want);
    if (c.want == Code::kOk && r.ok()) {
      EXPECT_EQ(r->path, c.want_path);
      EXPECT_EQ(fresh.Data(c.want_path), c.data);
      EXPECT_EQ(fresh.store.node_count(), digest_nodes + 1);
    } else {
      EXPECT_EQ(fresh.store.node_count(), digest_nodes);
    }
    EXPECT_EQ(CheckState(fresh.store.state()), "");
  }
}

TEST_F(CreateTest, StatOfNewNodeAndParent) {
  t.now = 5555;
  const Stat parent_before = t.StatOf("/a");
  auto r = t.Create("/a/x", "hello", CreateMode::kEphemeral, session);
  ASSERT_OK(r);
  const uint64_t z = r->zxid;
  EXPECT_EQ(z, t.store.zxid());
  Stat want;
  want.czxid = want.mzxid = want.pzxid = z;
  want.ctime = want.mtime = 5555;
  want.ephemeral_owner = session;
  want.data_length = 5;
  EXPECT_EQ(r->stat, want);
  EXPECT_EQ(t.StatOf("/a/x"), want);

  Stat parent = t.StatOf("/a");
  EXPECT_EQ(parent.num_children, parent_before.num_children + 1);
  EXPECT_EQ(parent.cversion, parent_before.cversion + 1);
  EXPECT_EQ(parent.pzxid, z);
  EXPECT_EQ(parent.mzxid, parent_before.mzxid);  // a child is not a data change
  EXPECT_EQ(parent.version, parent_before.version);
}

TEST_F(CreateTest, SequentialNumbersFollowParentCversion) {
  ASSERT_OK(t.Create("/q"));
  std::vector<std::string> made;
  for (int i = 0; i < 3; ++i) {
    auto r = t.Create("/q/n-", "", CreateMode::kPersistentSequential);
    ASSERT_OK(r);
    made.push_back(r->path);
  }
  EXPECT_EQ(made, (std::vector<std::string>{"/q/n-0000000000", "/q/n-0000000001",
                                            "/q/n-0000000002"}));
  // Deletes and other creates advance the same counter (ZooKeeper's cversion).
  ASSERT_OK(t.Delete("/q/n-0000000001"));
  ASSERT_OK(t.Create("/q/plain"));
  auto r = t.Create("/q/n-", "", CreateMode::kEphemeralSequential, session);
  ASSERT_OK(r);
  EXPECT_EQ(r->path, "/q/n-0000000005");
  EXPECT_EQ(t.Children("/q"),
            (std::vector<std::string>{"n-0000000000", "n-0000000002", "n-0000000005", "plain"}));
}

TEST_F(CreateTest, SequentialCollisionIsNodeExists) {
  ASSERT_OK(t.Create("/q"));
  ASSERT_OK(t.Create("/q/n-0000000001"));  // cversion is now 1
  EXPECT_CODE(t.Create("/q/n-", "", CreateMode::kPersistentSequential), Code::kNodeExists);
}

TEST_F(CreateTest, SequentialPathOverLimitAfterSuffix) {
  Options o;
  o.max_path_bytes = 14;
  TestStore small(o);
  EXPECT_CODE(small.Create("/abcd", "", CreateMode::kPersistentSequential), Code::kInvalidPath);
  EXPECT_OK(small.Create("/abc", "", CreateMode::kPersistentSequential));  // 4 + 10
}

TEST_F(CreateTest, FailedCreateStillAdvancesZxid) {
  const uint64_t before = t.store.zxid();
  EXPECT_CODE(t.Create("/a"), Code::kNodeExists);
  EXPECT_EQ(t.store.zxid(), before + 1);
}

TEST_F(CreateTest, ZxidMustIncrease) {
  EXPECT_DEATH(t.store.Create(Txn{t.store.zxid(), 0, 0}, CreateRequest{"/x", "", {}, 0}),
               "store.zxid_increases");
}

}  // namespace
}  // namespace coord::store
