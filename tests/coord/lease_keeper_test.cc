// LeaseKeeper: expiry decided from explicit times, keepalives, retries, new sessions, and
// failover never expiring a healthy session. Decisions are applied through a real state
// machine to show the whole path.
#include "coord/lease_keeper.h"

#include <gtest/gtest.h>

#include "coord/codec.h"
#include "coord/state_machine.h"
#include "test_util.h"

namespace coord::store {
namespace {

class LeaseKeeperTest : public ::testing::Test {
 protected:
  pb::Response Apply(const pb::Command& c) {
    pb::Response r;
    r.ParseFromString(sm.Apply(++index, c.SerializeAsString()));
    return r;
  }
  uint64_t Open(int64_t ttl) {
    return OpenSessionResultOf(Apply(MakeCommand({0, 0, 0}, OpenSessionRequest{ttl})))->session_id;
  }
  const State& state() { return sm.store().state(); }
  static std::vector<uint64_t> Expired(const std::vector<pb::Command>& cmds) {
    std::vector<uint64_t> out;
    for (const auto& c : cmds) {
      EXPECT_TRUE(c.has_expire_session());
      out.push_back(c.expire_session().session_id());
    }
    return out;
  }

  StoreStateMachine sm;
  uint64_t index = 0;
  LeaseKeeper keeper{/*retry_ms=*/500};
};

TEST_F(LeaseKeeperTest, ExpiresAtTheDeadlineNotBefore) {
  const uint64_t s = Open(3000);
  ASSERT_OK(CreateResultOf(Apply(MakeCommand({0, s, 0}, CreateRequest{"/e", "", CreateMode::kEphemeral, 0}))));
  keeper.OnBecomeLeader(state(), 10'000);
  EXPECT_EQ(keeper.DeadlineOf(s), 13'000);
  EXPECT_EQ(keeper.NextDeadline(), 13'000);
  EXPECT_TRUE(keeper.Poll(state(), 12'999).empty());
  auto cmds = keeper.Poll(state(), 13'000);
  ASSERT_EQ(Expired(cmds), std::vector<uint64_t>{s});
  EXPECT_EQ(cmds[0].time_ms(), 13'000);
  auto ended = SessionEndResultOf(Apply(cmds[0]));
  ASSERT_OK(ended);
  EXPECT_EQ(ended->deleted, std::vector<std::string>{"/e"});
  // Applied: at the retry time the keeper sees the session gone and lets it go.
  EXPECT_TRUE(keeper.Poll(state(), 20'000).empty());
  EXPECT_EQ(keeper.DeadlineOf(s), std::nullopt);
  EXPECT_EQ(keeper.NextDeadline(), std::nullopt);
}

TEST_F(LeaseKeeperTest, KeepalivesMoveTheDeadline) {
  const uint64_t s = Open(3000);
  keeper.OnBecomeLeader(state(), 0);
  for (int64_t t = 1000; t <= 30'000; t += 2500) {
    ASSERT_OK(keeper.Keepalive(state(), s, t));
    EXPECT_EQ(keeper.DeadlineOf(s), t + 3000);
    EXPECT_TRUE(keeper.Poll(state(), t + 2999).empty()) << t;
  }
  EXPECT_EQ(Expired(keeper.Poll(state(), 31'000 + 2000)), std::vector<uint64_t>{s});
}

TEST_F(LeaseKeeperTest, KeepaliveErrors) {
  const uint64_t s = Open(3000);
  EXPECT_CODE(keeper.Keepalive(state(), s, 0), Code::kInvalidArgument);  // not leader
  keeper.OnBecomeLeader(state(), 0);
  EXPECT_CODE(keeper.Keepalive(state(), 999, 0), Code::kSessionExpired);
  ASSERT_EQ(Expired(keeper.Poll(state(), 3000)).size(), 1u);
  // Expiry proposed: the session is doomed, keepalives are refused even before it applies.
  EXPECT_CODE(keeper.Keepalive(state(), s, 3001), Code::kSessionExpired);
  ASSERT_OK(SessionEndResultOf(Apply(MakeCommand({}, CloseSessionRequest{s}))));
  EXPECT_CODE(keeper.Keepalive(state(), s, 3002), Code::kSessionExpired);
}

TEST_F(LeaseKeeperTest, LostProposalIsRetried) {
  const uint64_t s = Open(1000);
  keeper.OnBecomeLeader(state(), 0);
  ASSERT_EQ(Expired(keeper.Poll(state(), 1000)), std::vector<uint64_t>{s});
  EXPECT_TRUE(keeper.Poll(state(), 1499).empty());  // in flight
  EXPECT_EQ(keeper.NextDeadline(), 1500);
  ASSERT_EQ(Expired(keeper.Poll(state(), 1500)), std::vector<uint64_t>{s});  // never applied
  ASSERT_OK(SessionEndResultOf(Apply(MakeCommand({}, ExpireSessionRequest{s}))));
  // A duplicate expiry that arrives later is harmless.
  EXPECT_CODE(SessionEndResultOf(Apply(MakeCommand({}, ExpireSessionRequest{s}))),
              Code::kSessionExpired);
}

TEST_F(LeaseKeeperTest, SessionsOpenedLaterAreFound) {
  keeper.OnBecomeLeader(state(), 0);
  EXPECT_EQ(keeper.NextDeadline(), std::nullopt);
  const uint64_t s = Open(2000);
  EXPECT_TRUE(keeper.Poll(state(), 5000).empty());  // found now: full TTL from now
  EXPECT_EQ(keeper.DeadlineOf(s), 7000);
  const uint64_t s2 = Open(2000);
  ASSERT_OK(keeper.Keepalive(state(), s2, 6000));  // a keepalive finds it too
  EXPECT_EQ(keeper.DeadlineOf(s2), 8000);
  auto first = keeper.Poll(state(), 7000);
  EXPECT_EQ(Expired(first), std::vector<uint64_t>{s});
  ASSERT_OK(SessionEndResultOf(Apply(first[0])));
  EXPECT_EQ(Expired(keeper.Poll(state(), 8000)), std::vector<uint64_t>{s2});
}

TEST_F(LeaseKeeperTest, ClosedSessionIsNotExpired) {
  const uint64_t s = Open(2000);
  keeper.OnBecomeLeader(state(), 0);
  ASSERT_OK(SessionEndResultOf(Apply(MakeCommand({}, CloseSessionRequest{s}))));
  EXPECT_TRUE(keeper.Poll(state(), 10'000).empty());
}

TEST_F(LeaseKeeperTest, FailoverNeverExpiresAHealthySession) {
  // The old leader last heard from the session at 9,000 (deadline 12,000) and then died.
  const uint64_t s = Open(3000);
  LeaseKeeper old_leader;
  old_leader.OnBecomeLeader(state(), 0);
  ASSERT_OK(old_leader.Keepalive(state(), s, 9000));
  old_leader.OnStepDown();
  EXPECT_TRUE(old_leader.Poll(state(), 100'000).empty());  // a follower decides nothing

  // The new leader takes over at 20,000, long past the old deadline: the session gets a
  // full TTL from now, so a client reconnecting within the TTL keeps it.
  LeaseKeeper new_leader;
  new_leader.OnBecomeLeader(state(), 20'000);
  EXPECT_EQ(new_leader.DeadlineOf(s), 23'000);
  EXPECT_TRUE(new_leader.Poll(state(), 22'999).empty());
  ASSERT_OK(new_leader.Keepalive(state(), s, 22'000));
  EXPECT_TRUE(new_leader.Poll(state(), 24'999).empty());
  EXPECT_EQ(Expired(new_leader.Poll(state(), 25'000)), std::vector<uint64_t>{s});
}

TEST_F(LeaseKeeperTest, ManySessionsExpireInDeadlineOrder) {
  std::vector<uint64_t> ids;
  for (int i = 0; i < 100; ++i) ids.push_back(Open(1000 + 10 * ((i * 37) % 100)));
  keeper.OnBecomeLeader(state(), 0);
  std::vector<uint64_t> expired;
  int64_t last_deadline = 0;
  for (int64_t now = 0; now <= 3000; now += 10) {
    for (uint64_t id : Expired(keeper.Poll(state(), now))) {
      EXPECT_GE(now, last_deadline);
      expired.push_back(id);
      Apply(MakeCommand({now, 0, 0}, ExpireSessionRequest{id}));
    }
    if (auto d = keeper.NextDeadline()) last_deadline = *d;
  }
  EXPECT_EQ(expired.size(), ids.size());
  EXPECT_TRUE(state().sessions.empty());
}

}  // namespace
}  // namespace coord::store
