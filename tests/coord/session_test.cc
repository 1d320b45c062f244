// Sessions at apply: open (ids, TTL clamping), close and expire deleting ephemerals at one
// zxid, and writes from dead sessions refused.
#include <gtest/gtest.h>

#include "test_util.h"

namespace coord::store {
namespace {

using testing::Dump;
using testing::TestStore;

TEST(SessionTest, IdIsTheZxidAndTtlIsClamped) {
  Options o;
  o.min_session_ttl_ms = 2'000;
  o.max_session_ttl_ms = 60'000;
  TestStore t(o);
  struct Case {
    int64_t asked, granted;
  };
  for (Case c : {Case{10'000, 10'000}, Case{1, 2'000}, Case{-5, 2'000}, Case{0, 2'000},
                 Case{1'000'000, 60'000}, Case{2'000, 2'000}, Case{60'000, 60'000}}) {
    const uint64_t z = t.store.zxid() + 1;
    auto r = t.store.OpenSession(t.Next(), OpenSessionRequest{c.asked});
    ASSERT_OK(r);
    EXPECT_EQ(r->session_id, z);
    EXPECT_EQ(r->ttl_ms, c.granted) << c.asked;
    ASSERT_TRUE(t.store.GetSession(z).has_value());
    EXPECT_EQ(t.store.GetSession(z)->ttl_ms, c.granted);
    EXPECT_EQ(t.store.GetSession(z)->opened_ms, t.now);
  }
}

TEST(SessionTest, CloseDeletesItsEphemeralsOnly) {
  TestStore t;
  const uint64_t s1 = t.OpenSession();
  const uint64_t s2 = t.OpenSession();
  ASSERT_OK(t.Create("/app"));
  ASSERT_OK(t.Create("/app/e1", "", CreateMode::kEphemeral, s1));
  ASSERT_OK(t.Create("/app/e2", "", CreateMode::kEphemeralSequential, s1));
  ASSERT_OK(t.Create("/z", "", CreateMode::kEphemeral, s1));
  ASSERT_OK(t.Create("/app/other", "", CreateMode::kEphemeral, s2));
  ASSERT_OK(t.Create("/app/persist", "", CreateMode::kPersistent, s1));  // not owned
  std::vector<Event> events;
  t.store.SetEventListener([&](const EventList& e) { events = e; });

  auto r = t.CloseSession(s1);
  ASSERT_OK(r);
  EXPECT_EQ(r->deleted, (std::vector<std::string>{"/app/e1", "/app/e20000000001", "/z"}));
  EXPECT_EQ(t.Children("/app"), (std::vector<std::string>{"other", "persist"}));
  EXPECT_FALSE(t.Has("/z"));
  EXPECT_FALSE(t.store.GetSession(s1).has_value());
  EXPECT_TRUE(t.store.GetSession(s2).has_value());
  // Every deletion happened at the close's zxid, and the parent saw them there.
  EXPECT_EQ(t.StatOf("/app").pzxid, r->zxid);
  ASSERT_EQ(events.size(), 6u);
  for (const Event& e : events) EXPECT_EQ(e.zxid, r->zxid);
  EXPECT_EQ(events[0], (Event{EventType::kDeleted, "/app/e1", r->zxid}));
  EXPECT_EQ(events[1], (Event{EventType::kChildrenChanged, "/app", r->zxid}));
  EXPECT_EQ(CheckState(t.store.state()), "");
}

TEST(SessionTest, ExpireIsLikeCloseAndIsIdempotent) {
  TestStore t;
  const uint64_t s = t.OpenSession();
  ASSERT_OK(t.Create("/e", "", CreateMode::kEphemeral, s));
  auto r = t.ExpireSession(s);
  ASSERT_OK(r);
  EXPECT_EQ(r->deleted, std::vector<std::string>{"/e"});
  EXPECT_FALSE(t.Has("/e"));
  // A second expiry (a retried proposal) changes nothing.
  const std::string before = Dump(t.store.state());
  EXPECT_CODE(t.ExpireSession(s), Code::kSessionExpired);
  EXPECT_CODE(t.CloseSession(s), Code::kSessionExpired);
  EXPECT_CODE(t.CloseSession(0), Code::kSessionExpired);
  EXPECT_EQ(Dump(t.store.state()), before);
}

TEST(SessionTest, DeadSessionCannotWrite) {
  TestStore t;
  const uint64_t s = t.OpenSession();
  ASSERT_OK(t.Create("/a", "", CreateMode::kPersistent, s));
  ASSERT_OK(t.CloseSession(s));
  EXPECT_CODE(t.Create("/b", "", CreateMode::kEphemeral, s), Code::kSessionExpired);
  EXPECT_CODE(t.Create("/b", "", CreateMode::kPersistent, s), Code::kSessionExpired);
  EXPECT_CODE(t.Set("/a", "x", std::nullopt, s), Code::kSessionExpired);
  EXPECT_CODE(t.Delete("/a", std::nullopt, s), Code::kSessionExpired);
  EXPECT_CODE(t.Multi({CheckRequest{"/a", {}}}, s), Code::kSessionExpired);
  EXPECT_TRUE(t.Has("/a"));
  EXPECT_FALSE(t.Has("/b"));
}

TEST(SessionTest, EphemeralsCannotHaveChildren) {
  TestStore t;
  const uint64_t s = t.OpenSession();
  ASSERT_OK(t.Create("/e", "", CreateMode::kEphemeral, s));
  for (CreateMode m : {CreateMode::kPersistent, CreateMode::kEphemeral, CreateMode::kContainer,
                       CreateMode::kPersistentSequential, CreateMode::kEphemeralSequential}) {
    std::string path = IsSequential(m) ? "/e/" : "/e/x";
    EXPECT_CODE(t.Create(path, "", m, s), Code::kNoChildrenForEphemerals);
  }
}

TEST(SessionTest, EphemeralParentContainerBecomesDue) {
  TestStore t;
  const uint64_t s = t.OpenSession();
  ASSERT_OK(t.Create("/lock", "", CreateMode::kContainer));
  ASSERT_OK(t.Create("/lock/holder", "", CreateMode::kEphemeral, s));
  EXPECT_TRUE(t.store.state().empty_containers.empty());
  ASSERT_OK(t.ExpireSession(s));
  EXPECT_NE(t.store.state().empty_containers.Find(std::string_view("/lock")), nullptr);
  EXPECT_EQ(CheckState(t.store.state()), "");
}

}  // namespace
}  // namespace coord::store
