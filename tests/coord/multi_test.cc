// Multi: all or nothing. Every op type failing in every position, results per op, rollback of
// the tree, the indexes and the events, and ops seeing the effects of earlier ops.
#include <gtest/gtest.h>

#include "test_util.h"

namespace coord::store {
namespace {

using testing::Dump;
using testing::TestStore;

enum class Kind { kCheck, kCreate, kSet, kDelete };
const char* KindName(Kind k) {
  switch (k) {
    case Kind::kCheck: return "check";
    case Kind::kCreate: return "create";
    case Kind::kSet: return "set";
    case Kind::kDelete: return "delete";
  }
  return "?";
}

// /base, /s0../s3 (to set), /d0../d3 (to delete).
TestStore Fixture() {
  TestStore t;
  EXPECT_OK(t.Create("/base"));
  for (int i = 0; i < 4; ++i) {
    EXPECT_OK(t.Create("/s" + std::to_string(i)));
    EXPECT_OK(t.Create("/d" + std::to_string(i)));
  }
  return t;
}

// An op of `kind` at position i that succeeds (on its own, and next to the others).
Op Good(Kind kind, int i) {
  const std::string n = std::to_string(i);
  switch (kind) {
    case Kind::kCheck: return CheckRequest{"/base", 0};
    case Kind::kCreate: return CreateRequest{"/new" + n, "x", CreateMode::kPersistent, 0};
    case Kind::kSet: return SetDataRequest{"/s" + n, "y", 0};
    case Kind::kDelete: return DeleteRequest{"/d" + n, 0};
  }
  return CheckRequest{};
}

// An op of `kind` that fails, and the code it fails with.
std::pair<Op, Code> Bad(Kind kind) {
  switch (kind) {
    case Kind::kCheck: return {CheckRequest{"/base", 7}, Code::kBadVersion};
    case Kind::kCreate: return {CreateRequest{"/base", "", CreateMode::kPersistent, 0},
                                Code::kNodeExists};
    case Kind::kSet: return {SetDataRequest{"/nope", "", std::nullopt}, Code::kNoNode};
    case Kind::kDelete: return {DeleteRequest{"/base/none", std::nullopt}, Code::kNoNode};
  }
  return {CheckRequest{}, Code::kOk};
}

TEST(MultiTest, EveryOpTypeFailingInEveryPosition) {
  const Kind kinds[] = {Kind::kCheck, Kind::kCreate, Kind::kSet, Kind::kDelete};
  constexpr int kOps = 4;
  for (Kind failing : kinds) {
    for (int pos = 0; pos < kOps; ++pos) {
      SCOPED_TRACE(std::string(KindName(failing)) + " failing at " + std::to_string(pos));
      TestStore t = Fixture();
      int events = 0;
      t.store.SetEventListener([&](const EventList&) { ++events; });
      std::vector<Op> ops;
      auto [bad, code] = Bad(failing);
      for (int i = 0; i < kOps; ++i) ops.push_back(i == pos ? bad : Good(kinds[i], i));
      const std::string before = Dump(t.store.state());

      auto r = t.Multi(ops);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), code);
      EXPECT_EQ(r.status().failed_op(), pos);
      for (int i = 0; i < kOps; ++i) {
        Code want = i < pos ? Code::kRolledBack : (i == pos ? code : Code::kNotAttempted);
        EXPECT_EQ(MultiOpCode(r.status(), i), want) << "op " << i;
      }
      EXPECT_EQ(Dump(t.store.state()), before);
      EXPECT_EQ(CheckState(t.store.state()), "");
      EXPECT_EQ(events, 0);

      // The same multi without the bad op applies in full.
      ops[pos] = Good(kinds[pos], pos);
      auto ok = t.Multi(ops);
      ASSERT_OK(ok);
      EXPECT_EQ(ok->results.size(), static_cast<size_t>(kOps));
      EXPECT_EQ(events, 1);
    }
  }
}

TEST(MultiTest, ResultsPerOpAndOneZxid) {
  TestStore t = Fixture();
  std::vector<Event> seen;
  t.store.SetEventListener([&](const EventList& e) { seen.insert(seen.end(), e.begin(), e.end()); });
  auto r = t.Multi({
      CreateRequest{"/x", "1", CreateMode::kPersistent, 0},
      CreateRequest{"/x/y", "", CreateMode::kPersistent, 0},  // sees /x
      SetDataRequest{"/x", "2", 0},                           // sees /x at version 0
      CheckRequest{"/x", 1},                                  // sees the set
      DeleteRequest{"/x/y", 0},
      CreateRequest{"/x/q-", "", CreateMode::kPersistentSequential, 0},  // cversion 2
  });
  ASSERT_OK(r);
  const uint64_t z = r->zxid;
  EXPECT_EQ(z, t.store.zxid());
  ASSERT_EQ(r->results.size(), 6u);
  EXPECT_EQ(std::get<CreateResult>(r->results[0]).path, "/x");
  EXPECT_EQ(std::get<CreateResult>(r->results[1]).stat.czxid, z);
  EXPECT_EQ(std::get<SetDataResult>(r->results[2]).stat.version, 1);
  EXPECT_TRUE(std::holds_alternative<CheckResult>(r->results[3]));
  EXPECT_TRUE(std::holds_alternative<DeleteResult>(r->results[4]));
  EXPECT_EQ(std::get<CreateResult>(r->results[5]).path, "/x/q-0000000002");
  EXPECT_EQ(t.Data("/x"), "2");
  EXPECT_EQ(t.StatOf("/x").mzxid, z);
  EXPECT_EQ(t.StatOf("/x").czxid, z);
  ASSERT_FALSE(seen.empty());
  for (const Event& e : seen) EXPECT_EQ(e.zxid, z);
  EXPECT_EQ(seen.front(), (Event{EventType::kCreated, "/x", z}));
}

TEST(MultiTest, RollbackRestoresIndexesAndSessionsNodes) {
  TestStore t = Fixture();
  uint64_t s = t.OpenSession();
  ASSERT_OK(t.Create("/c", "", CreateMode::kContainer));
  ASSERT_OK(t.Create("/c/kid"));
  const std::string before = Dump(t.store.state());
  auto r = t.Multi(
      {
          CreateRequest{"/eph", "", CreateMode::kEphemeral, 0},
          CreateRequest{"/ttl", "", CreateMode::kPersistentWithTtl, 100},
          DeleteRequest{"/c/kid", std::nullopt},  // would make /c an empty container
          CreateRequest{"/base", "", CreateMode::kPersistent, 0},  // fails
      },
      s);
  EXPECT_CODE(r, Code::kNodeExists);
  EXPECT_EQ(Dump(t.store.state()), before);
  EXPECT_EQ(CheckState(t.store.state()), "");
  EXPECT_TRUE(t.store.state().ephemerals.empty());
  EXPECT_TRUE(t.store.state().ttl_deadlines.empty());
  EXPECT_TRUE(t.store.state().empty_containers.empty());
}

TEST(MultiTest, WholeRequestErrors) {
  Options o;
  o.max_multi_ops = 2;
  TestStore t(o);
  auto too_many = t.Multi({CheckRequest{"/", {}}, CheckRequest{"/", {}}, CheckRequest{"/", {}}});
  EXPECT_CODE(too_many, Code::kInvalidArgument);
  EXPECT_EQ(too_many.status().failed_op(), -1);
  EXPECT_EQ(MultiOpCode(too_many.status(), 0), Code::kInvalidArgument);
  auto dead = t.Multi({CheckRequest{"/", {}}}, /*session=*/999);
  EXPECT_CODE(dead, Code::kSessionExpired);
  auto empty = t.Multi({});
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->results.empty());
}

TEST(MultiTest, FailingOpsOfEveryErrorKind) {
  struct Case {
    const char* name;
    Op op;
    Code want;
  };
  const std::vector<Case> cases = {
      {"invalid path", CheckRequest{"bad", {}}, Code::kInvalidPath},
      {"data too large", SetDataRequest{"/base", std::string(2 << 20, 'x'), {}},
       Code::kDataTooLarge},
      {"not empty", DeleteRequest{"/", {}}, Code::kInvalidArgument},
      {"ephemeral parent", CreateRequest{"/e/x", "", CreateMode::kPersistent, 0},
       Code::kNoChildrenForEphemerals},
      {"no session for ephemeral", CreateRequest{"/y", "", CreateMode::kEphemeral, 0},
       Code::kInvalidArgument},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TestStore t = Fixture();
    uint64_t s = t.OpenSession();
    ASSERT_OK(t.Create("/e", "", CreateMode::kEphemeral, s));
    auto r = t.Multi({CreateRequest{"/first", "", CreateMode::kPersistent, 0}, c.op});
    EXPECT_CODE(r, c.want);
    EXPECT_EQ(r.status().failed_op(), 1);
    EXPECT_FALSE(t.Has("/first"));
  }
}

}  // namespace
}  // namespace coord::store
