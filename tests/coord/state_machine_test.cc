// StoreStateMachine: Apply decodes, executes and encodes every command kind; it is total
// (no-ops, garbage, missing ops); it answers retries exactly once; replicas agree.
#include "coord/state_machine.h"

#include <gtest/gtest.h>

#include "coord/codec.h"
#include "coord/digest.h"
#include "test_util.h"

namespace coord::store {
namespace {

using testing::Dump;

class StateMachineTest : public ::testing::Test {
 protected:
  // Applies `command` at the next index and decodes the response.
  pb::Response Apply(const pb::Command& command) {
    std::string bytes = sm->Apply(++index, command.SerializeAsString());
    pb::Response r;
    EXPECT_TRUE(r.ParseFromString(bytes));
    EXPECT_EQ(r.zxid(), index);
    return r;
  }
  CommandHeader H(uint64_t session = 0, uint64_t request = 0) {
    return CommandHeader{now, session, request};
  }
  uint64_t Open() {
    auto r = OpenSessionResultOf(Apply(MakeCommand(H(), OpenSessionRequest{5000})));
    EXPECT_OK(r);
    return r.ok() ? r->session_id : 0;
  }

  void Reset(Options options) {
    machine = std::make_unique<StoreStateMachine>(options);
    sm = machine.get();
    index = 0;
  }

  std::unique_ptr<StoreStateMachine> machine = std::make_unique<StoreStateMachine>();
  StoreStateMachine* sm = machine.get();
  uint64_t index = 0;
  int64_t now = 42'000;
};

TEST_F(StateMachineTest, NoOpAndGarbageAdvanceLastApplied) {
  EXPECT_EQ(sm->Apply(1, ""), "");
  EXPECT_EQ(sm->LastApplied(), 1u);
  pb::Response r;
  ASSERT_TRUE(r.ParseFromString(sm->Apply(2, "\xff\xff\xff garbage")));
  EXPECT_EQ(StatusOf(r).code(), Code::kInvalidCommand);
  EXPECT_EQ(r.zxid(), 2u);
  EXPECT_EQ(sm->LastApplied(), 2u);
  index = 2;
  pb::Command empty;  // no op set
  empty.set_time_ms(1);
  EXPECT_EQ(StatusOf(Apply(empty)).code(), Code::kInvalidCommand);
  EXPECT_EQ(sm->LastApplied(), 3u);
  EXPECT_EQ(sm->store().node_count(), 1u);
}

TEST_F(StateMachineTest, EveryCommandKindRoundTrips) {
  const uint64_t s = Open();
  auto created = CreateResultOf(
      Apply(MakeCommand(H(s), CreateRequest{"/a", "data", CreateMode::kEphemeral, 0})));
  ASSERT_OK(created);
  EXPECT_EQ(created->path, "/a");
  EXPECT_EQ(created->zxid, index);
  EXPECT_EQ(created->stat.ephemeral_owner, s);
  EXPECT_EQ(created->stat.ctime, now);
  EXPECT_EQ(created->stat, sm->store().Exists("/a").value().value());

  auto set = SetDataResultOf(Apply(MakeCommand(H(), SetDataRequest{"/a", "v2", 0})));
  ASSERT_OK(set);
  EXPECT_EQ(set->stat.version, 1);
  EXPECT_CODE(SetDataResultOf(Apply(MakeCommand(H(), SetDataRequest{"/a", "v3", 0}))),
              Code::kBadVersion);

  ASSERT_OK(CreateResultOf(Apply(MakeCommand(H(), CreateRequest{"/p", "", {}, 0}))));
  auto multi = MultiResultOf(Apply(MakeCommand(
      H(), MultiRequest{{CheckRequest{"/p", 0},
                         CreateRequest{"/p/q", "", CreateMode::kPersistent, 0},
                         SetDataRequest{"/p/q", "x", std::nullopt}, DeleteRequest{"/p/q", 1}}})));
  ASSERT_OK(multi);
  ASSERT_EQ(multi->results.size(), 4u);
  EXPECT_EQ(std::get<CreateResult>(multi->results[1]).path, "/p/q");
  EXPECT_EQ(std::get<SetDataResult>(multi->results[2]).stat.version, 1);

  auto failed = MultiResultOf(Apply(MakeCommand(
      H(), MultiRequest{{CheckRequest{"/p", {}}, DeleteRequest{"/nope", {}}}})));
  EXPECT_CODE(failed, Code::kNoNode);
  EXPECT_EQ(failed.status().failed_op(), 1);

  EXPECT_OK(DeleteResultOf(Apply(MakeCommand(H(), DeleteRequest{"/p", {}}))));
  EXPECT_CODE(DeleteResultOf(Apply(MakeCommand(H(), DeleteRequest{"/p", {}}))), Code::kNoNode);

  auto sync = SyncResultOf(Apply(MakeSyncCommand(H())));
  ASSERT_OK(sync);
  EXPECT_EQ(sync->zxid, index);

  ASSERT_OK(CreateResultOf(
      Apply(MakeCommand(H(), CreateRequest{"/ttl", "", CreateMode::kPersistentWithTtl, 10}))));
  const uint64_t mzxid = index;
  now += 10;
  EXPECT_OK(StatusOf(Apply(MakeCommand(H(), ReapRequest{"/ttl", ReapKind::kTtl, mzxid}))));
  EXPECT_FALSE(sm->store().Exists("/ttl").value().has_value());

  auto ended = SessionEndResultOf(Apply(MakeCommand(H(), ExpireSessionRequest{s})));
  ASSERT_OK(ended);
  EXPECT_EQ(ended->deleted, std::vector<std::string>{"/a"});
  const uint64_t s2 = Open();
  auto closed = SessionEndResultOf(Apply(MakeCommand(H(), CloseSessionRequest{s2})));
  ASSERT_OK(closed);
  EXPECT_TRUE(closed->deleted.empty());
  EXPECT_CODE(SessionEndResultOf(Apply(MakeCommand(H(), CloseSessionRequest{s2}))),
              Code::kSessionExpired);
  EXPECT_EQ(sm->LastApplied(), index);
  EXPECT_EQ(CheckState(sm->store().state()), "");
}

TEST_F(StateMachineTest, MalformedFieldsAreTypedErrors) {
  pb::Command bad_mode = MakeCommand(H(), CreateRequest{"/x", "", {}, 0});
  bad_mode.mutable_create()->set_mode(static_cast<pb::CreateMode>(77));
  EXPECT_CODE(CreateResultOf(Apply(bad_mode)), Code::kInvalidArgument);

  pb::Command bad_utf8 = MakeCommand(H(), CreateRequest{"/\xff\xfe", "", {}, 0});
  EXPECT_CODE(CreateResultOf(Apply(bad_utf8)), Code::kInvalidPath);

  pb::Command empty_op = MakeCommand(H(), MultiRequest{{CheckRequest{"/", {}}}});
  empty_op.mutable_multi()->add_ops();  // an op with nothing set
  auto r = MultiResultOf(Apply(empty_op));
  EXPECT_CODE(r, Code::kInvalidCommand);
  EXPECT_EQ(r.status().failed_op(), 1);

  pb::Command bad_kind = MakeCommand(H(), ReapRequest{"/", ReapKind::kTtl, 0});
  bad_kind.mutable_reap()->set_kind(static_cast<pb::ReapKind>(5));
  bad_kind.mutable_reap()->set_path("/x");
  ASSERT_OK(CreateResultOf(Apply(MakeCommand(H(), CreateRequest{"/x", "", {}, 0}))));
  EXPECT_CODE(StatusOf(Apply(bad_kind)), Code::kInvalidArgument);
  EXPECT_EQ(sm->LastApplied(), index);
}

TEST_F(StateMachineTest, RetriedWriteAppliesOnce) {
  const uint64_t s = Open();
  const pb::Command create = MakeCommand(H(s, 1), CreateRequest{"/job-", "", CreateMode::kPersistentSequential, 0});
  const std::string first = sm->Apply(++index, create.SerializeAsString());
  const std::string again = sm->Apply(++index, create.SerializeAsString());
  EXPECT_EQ(first, again);  // same path, same zxid: the retry learns what happened
  EXPECT_EQ(sm->store().Children("/").value().names, std::vector<std::string>{"job-0000000000"});
  EXPECT_EQ(sm->LastApplied(), index);

  // A failed write is cached too: its retry must not succeed on a changed state.
  const pb::Command del = MakeCommand(H(s, 2), DeleteRequest{"/x", {}});
  const std::string failed = sm->Apply(++index, del.SerializeAsString());
  ASSERT_OK(CreateResultOf(Apply(MakeCommand(H(), CreateRequest{"/x", "", {}, 0}))));
  EXPECT_EQ(sm->Apply(++index, del.SerializeAsString()), failed);
  EXPECT_TRUE(sm->store().Exists("/x").value().has_value());

  // Without a request id, or without a session, nothing is deduplicated.
  const pb::Command plain = MakeCommand(H(s, 0), SetDataRequest{"/x", "v", {}});
  Apply(plain);
  Apply(plain);
  EXPECT_EQ(sm->store().Get("/x").value().stat.version, 2);
}

TEST_F(StateMachineTest, DedupWindowIsBoundedAndEndsWithSession) {
  Options o;
  o.max_cached_responses_per_session = 2;
  Reset(o);
  const uint64_t s = Open();
  std::string third;
  for (uint64_t req = 1; req <= 3; ++req) {
    third = sm->Apply(++index, MakeCommand(H(s, req), CreateRequest{"/n" + std::to_string(req),
                                                                    "", {}, 0})
                                   .SerializeAsString());
  }
  const uint64_t third_zxid = index;
  EXPECT_EQ(sm->store().GetSession(s)->cached_responses, 2u);
  EXPECT_EQ(sm->store().GetSession(s)->dedup_floor, 1u);
  EXPECT_EQ(sm->store().state().dedup.size(), 2u);
  // Request 1 was evicted: its retry cannot be answered and is refused, not re-executed.
  EXPECT_CODE(StatusOf(Apply(MakeCommand(H(s, 1), CreateRequest{"/n1", "", {}, 0}))),
              Code::kStaleRequest);
  // Request 3 is still cached: its retry gets the first answer, zxid included.
  const std::string replay =
      sm->Apply(++index, MakeCommand(H(s, 3), CreateRequest{"/n3", "", {}, 0}).SerializeAsString());
  EXPECT_EQ(replay, third);
  pb::Response decoded;
  ASSERT_TRUE(decoded.ParseFromString(replay));
  EXPECT_EQ(decoded.zxid(), third_zxid);
  ASSERT_OK(SessionEndResultOf(Apply(MakeCommand(H(), CloseSessionRequest{s}))));
  EXPECT_TRUE(sm->store().state().dedup.empty());
  // The session is gone: the retry fails as a dead session's write, uncached.
  EXPECT_CODE(CreateResultOf(Apply(MakeCommand(H(s, 3), CreateRequest{"/n3", "", {}, 0}))),
              Code::kSessionExpired);
  EXPECT_EQ(CheckState(sm->store().state()), "");
}

TEST_F(StateMachineTest, ReplicasAgree) {
  StoreStateMachine other;
  std::vector<std::string> commands;
  commands.push_back(MakeCommand(H(), OpenSessionRequest{3000}).SerializeAsString());
  for (int i = 0; i < 50; ++i) {
    commands.push_back(
        MakeCommand(H(1, i + 1), CreateRequest{"/q-", std::to_string(i),
                                               i % 2 ? CreateMode::kEphemeralSequential
                                                     : CreateMode::kPersistentSequential,
                                               0})
            .SerializeAsString());
    if (i % 7 == 0) commands.push_back("");  // leader no-ops
  }
  commands.push_back(MakeCommand(H(), ExpireSessionRequest{1}).SerializeAsString());
  for (size_t i = 0; i < commands.size(); ++i) {
    EXPECT_EQ(sm->Apply(i + 1, commands[i]), other.Apply(i + 1, commands[i])) << i;
  }
  EXPECT_EQ(Digest(sm->store().state()), Digest(other.store().state()));
  EXPECT_EQ(Dump(sm->store().state()), Dump(other.store().state()));
  EXPECT_EQ(sm->store().node_count(), 26u);  // root + 25 persistent
}

TEST_F(StateMachineTest, EventsReachTheListener) {
  std::vector<Event> events;
  sm->store().SetEventListener(
      [&](const EventList& e) { events.insert(events.end(), e.begin(), e.end()); });
  Apply(MakeCommand(H(), CreateRequest{"/a", "", {}, 0}));
  Apply(MakeCommand(H(), SetDataRequest{"/a", "x", {}}));
  Apply(MakeCommand(H(), CreateRequest{"/a", "", {}, 0}));  // fails: no events
  Apply(MakeCommand(H(), DeleteRequest{"/a", {}}));
  EXPECT_EQ(events, (std::vector<Event>{{EventType::kCreated, "/a", 1},
                                        {EventType::kChildrenChanged, "/", 1},
                                        {EventType::kDataChanged, "/a", 2},
                                        {EventType::kDeleted, "/a", 4},
                                        {EventType::kChildrenChanged, "/", 4}}));
}

}  // namespace
}  // namespace coord::store
