// TTL nodes and containers at apply: what the indexes say is due, and the Reap command's
// re-checks, so that a stale decision deletes nothing.
#include <gtest/gtest.h>

#include "test_util.h"

namespace coord::store {
namespace {

using testing::TestStore;

std::vector<std::pair<int64_t, std::string>> TtlIndex(const Store& s) {
  std::vector<std::pair<int64_t, std::string>> out;
  for (auto it = s.state().ttl_deadlines.Begin(); it.Valid(); it.Next()) {
    out.emplace_back(it->deadline_ms, it->path);
  }
  return out;
}
std::vector<std::string> Containers(const Store& s) {
  std::vector<std::string> out;
  for (auto it = s.state().empty_containers.Begin(); it.Valid(); it.Next()) out.push_back(*it);
  return out;
}

TEST(TtlTest, DeadlineFollowsMtimeAndChildren) {
  TestStore t;
  t.now = 1000;
  ASSERT_OK(t.Create("/t", "", CreateMode::kPersistentWithTtl, 0, 500));
  EXPECT_EQ(TtlIndex(t.store), (std::vector<std::pair<int64_t, std::string>>{{1500, "/t"}}));
  t.now = 1200;
  ASSERT_OK(t.Set("/t", "x"));  // a change restarts the clock
  EXPECT_EQ(TtlIndex(t.store), (std::vector<std::pair<int64_t, std::string>>{{1700, "/t"}}));
  ASSERT_OK(t.Create("/t/kid"));  // a TTL node with children is not due
  EXPECT_TRUE(TtlIndex(t.store).empty());
  t.now = 5000;
  ASSERT_OK(t.Delete("/t/kid"));  // childless again: due from its mtime, long past
  EXPECT_EQ(TtlIndex(t.store), (std::vector<std::pair<int64_t, std::string>>{{1700, "/t"}}));
  EXPECT_EQ(CheckState(t.store.state()), "");
}

TEST(TtlTest, ReapRechecksEverything) {
  TestStore t;
  t.now = 1000;
  ASSERT_OK(t.Create("/t", "", CreateMode::kPersistentWithTtl, 0, 500));
  ASSERT_OK(t.Create("/p"));
  const uint64_t mzxid = t.StatOf("/t").mzxid;
  struct Case {
    const char* name;
    std::string path;
    ReapKind kind;
    uint64_t mzxid;
    int64_t now;
    Code want;
  };
  const std::vector<Case> cases = {
      {"not yet due", "/t", ReapKind::kTtl, mzxid, 1499, Code::kBadVersion},
      {"modified since", "/t", ReapKind::kTtl, mzxid + 1, 2000, Code::kBadVersion},
      {"not a TTL node", "/p", ReapKind::kTtl, t.StatOf("/p").mzxid, 2000,
       Code::kInvalidArgument},
      {"container reap of a TTL node", "/t", ReapKind::kContainer, 0, 2000,
       Code::kInvalidArgument},
      {"missing", "/gone", ReapKind::kTtl, 0, 2000, Code::kNoNode},
      {"root", "/", ReapKind::kTtl, 0, 2000, Code::kInvalidArgument},
      {"invalid path", "//", ReapKind::kTtl, 0, 2000, Code::kInvalidPath},
      {"unknown kind", "/t", static_cast<ReapKind>(9), mzxid, 2000, Code::kInvalidArgument},
      {"due exactly", "/t", ReapKind::kTtl, mzxid, 1500, Code::kOk},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    t.now = c.now;
    EXPECT_CODE(t.Reap(c.path, c.kind, c.mzxid), c.want);
  }
  EXPECT_FALSE(t.Has("/t"));
  EXPECT_TRUE(TtlIndex(t.store).empty());
  EXPECT_EQ(CheckState(t.store.state()), "");
}

TEST(TtlTest, ReapRefusedWhileChildrenExist) {
  TestStore t;
  t.now = 0;
  ASSERT_OK(t.Create("/t", "", CreateMode::kPersistentWithTtl, 0, 10));
  const uint64_t mzxid = t.StatOf("/t").mzxid;
  ASSERT_OK(t.Create("/t/kid"));
  t.now = 100;
  EXPECT_CODE(t.Reap("/t", ReapKind::kTtl, mzxid), Code::kNotEmpty);
  EXPECT_TRUE(t.Has("/t"));
}

TEST(ContainerTest, DueOnlyAfterLastChildGoes) {
  TestStore t;
  ASSERT_OK(t.Create("/c", "", CreateMode::kContainer));
  EXPECT_TRUE(Containers(t.store).empty());  // never had children: not due
  EXPECT_CODE(t.Reap("/c", ReapKind::kContainer), Code::kBadVersion);
  ASSERT_OK(t.Create("/c/a"));
  ASSERT_OK(t.Create("/c/b"));
  ASSERT_OK(t.Delete("/c/a"));
  EXPECT_TRUE(Containers(t.store).empty());
  EXPECT_CODE(t.Reap("/c", ReapKind::kContainer), Code::kNotEmpty);
  ASSERT_OK(t.Delete("/c/b"));
  EXPECT_EQ(Containers(t.store), std::vector<std::string>{"/c"});
  // A child arriving before the reap applies saves it.
  ASSERT_OK(t.Create("/c/late"));
  EXPECT_TRUE(Containers(t.store).empty());
  EXPECT_CODE(t.Reap("/c", ReapKind::kContainer), Code::kNotEmpty);
  ASSERT_OK(t.Delete("/c/late"));
  std::vector<Event> events;
  t.store.SetEventListener([&](const EventList& e) { events = e; });
  EXPECT_OK(t.Reap("/c", ReapKind::kContainer));
  EXPECT_FALSE(t.Has("/c"));
  EXPECT_TRUE(Containers(t.store).empty());
  EXPECT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, EventType::kDeleted);
  EXPECT_CODE(t.Reap("/c", ReapKind::kContainer), Code::kNoNode);  // a duplicate decision
  EXPECT_CODE(t.Reap("/", ReapKind::kContainer), Code::kInvalidArgument);
  EXPECT_EQ(CheckState(t.store.state()), "");
}

TEST(ContainerTest, NestedContainersCascade) {
  TestStore t;
  ASSERT_OK(t.Create("/outer", "", CreateMode::kContainer));
  ASSERT_OK(t.Create("/outer/inner", "", CreateMode::kContainer));
  ASSERT_OK(t.Create("/outer/inner/x"));
  ASSERT_OK(t.Delete("/outer/inner/x"));
  EXPECT_EQ(Containers(t.store), std::vector<std::string>{"/outer/inner"});
  ASSERT_OK(t.Reap("/outer/inner", ReapKind::kContainer));
  EXPECT_EQ(Containers(t.store), std::vector<std::string>{"/outer"});
  ASSERT_OK(t.Reap("/outer", ReapKind::kContainer));
  EXPECT_EQ(t.Children("/"), std::vector<std::string>{});
}

TEST(ContainerTest, ReapOfANonContainer) {
  TestStore t;
  ASSERT_OK(t.Create("/p"));
  ASSERT_OK(t.Create("/p/x"));
  ASSERT_OK(t.Delete("/p/x"));
  EXPECT_CODE(t.Reap("/p", ReapKind::kContainer), Code::kInvalidArgument);
  EXPECT_TRUE(t.Has("/p"));
}

}  // namespace
}  // namespace coord::store
