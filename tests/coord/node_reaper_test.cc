// NodeReaper: TTL and container deletions decided from explicit times, applied through a
// real state machine; stale decisions change nothing; duplicates are suppressed and retried.
#include "coord/node_reaper.h"

#include <gtest/gtest.h>

#include "coord/codec.h"
#include "coord/state_machine.h"
#include "test_util.h"

namespace coord::store {
namespace {

class NodeReaperTest : public ::testing::Test {
 protected:
  pb::Response Apply(const pb::Command& c) {
    pb::Response r;
    r.ParseFromString(sm.Apply(++index, c.SerializeAsString()));
    return r;
  }
  void Create(const std::string& path, CreateMode mode = CreateMode::kPersistent,
              int64_t ttl = 0, int64_t now = 0) {
    ASSERT_OK(CreateResultOf(Apply(MakeCommand({now, 0, 0}, CreateRequest{path, "", mode, ttl}))));
  }
  void Delete(const std::string& path) {
    ASSERT_OK(DeleteResultOf(Apply(MakeCommand({}, DeleteRequest{path, {}}))));
  }
  bool Has(const std::string& path) { return sm.store().Exists(path).value().has_value(); }
  const State& state() { return sm.store().state(); }
  static std::vector<std::string> Paths(const std::vector<pb::Command>& cmds) {
    std::vector<std::string> out;
    for (const auto& c : cmds) out.push_back(c.reap().path());
    return out;
  }

  StoreStateMachine sm;
  uint64_t index = 0;
  NodeReaper reaper{/*retry_ms=*/1000};
};

TEST_F(NodeReaperTest, TtlNodeGoesAtItsDeadline) {
  Create("/t", CreateMode::kPersistentWithTtl, 5000, /*now=*/10'000);
  Create("/u", CreateMode::kPersistentWithTtl, 9000, /*now=*/10'000);
  EXPECT_EQ(reaper.NextDeadline(state(), 0), 15'000);
  EXPECT_TRUE(reaper.Poll(state(), 14'999).empty());
  auto cmds = reaper.Poll(state(), 15'000);
  ASSERT_EQ(Paths(cmds), std::vector<std::string>{"/t"});
  EXPECT_EQ(cmds[0].reap().kind(), pb::REAP_TTL);
  EXPECT_EQ(cmds[0].reap().expected_mzxid(), 1u);
  EXPECT_EQ(cmds[0].time_ms(), 15'000);
  EXPECT_OK(StatusOf(Apply(cmds[0])));
  EXPECT_FALSE(Has("/t"));
  EXPECT_TRUE(Has("/u"));
  EXPECT_EQ(reaper.NextDeadline(state(), 15'000), 16'000);  // the decision's retry time
  EXPECT_EQ(Paths(reaper.Poll(state(), 19'000)), std::vector<std::string>{"/u"});
}

TEST_F(NodeReaperTest, StaleDecisionChangesNothing) {
  Create("/t", CreateMode::kPersistentWithTtl, 5000, 0);
  auto cmds = reaper.Poll(state(), 5000);
  ASSERT_EQ(cmds.size(), 1u);
  // The node is touched before the decision applies: it must survive it.
  ASSERT_OK(SetDataResultOf(Apply(MakeCommand({5001, 0, 0}, SetDataRequest{"/t", "x", {}}))));
  EXPECT_CODE(StatusOf(Apply(cmds[0])), Code::kBadVersion);
  EXPECT_TRUE(Has("/t"));
  // Its new deadline is from the set; the reaper decides again then, with the new mzxid.
  EXPECT_TRUE(reaper.Poll(state(), 10'000).empty());
  auto again = reaper.Poll(state(), 10'001);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_OK(StatusOf(Apply(again[0])));
  EXPECT_FALSE(Has("/t"));
}

TEST_F(NodeReaperTest, DuplicatesSuppressedThenRetried) {
  Create("/t", CreateMode::kPersistentWithTtl, 100, 0);
  EXPECT_EQ(reaper.Poll(state(), 100).size(), 1u);
  EXPECT_TRUE(reaper.Poll(state(), 500).empty());
  EXPECT_EQ(reaper.Poll(state(), 1100).size(), 1u);  // lost? propose again
  reaper.OnBecomeLeader();                           // a new term forgets what was in flight
  EXPECT_EQ(reaper.Poll(state(), 1101).size(), 1u);
}

TEST_F(NodeReaperTest, TtlNodeWithChildrenWaits) {
  Create("/t", CreateMode::kPersistentWithTtl, 100, 0);
  Create("/t/kid");
  EXPECT_TRUE(reaper.Poll(state(), 10'000).empty());
  EXPECT_EQ(reaper.NextDeadline(state(), 10'000), std::nullopt);
  Delete("/t/kid");
  EXPECT_EQ(Paths(reaper.Poll(state(), 10'000)), std::vector<std::string>{"/t"});
}

TEST_F(NodeReaperTest, ContainersGoOnceEmptyAndCascade) {
  Create("/a", CreateMode::kContainer);
  Create("/a/b", CreateMode::kContainer);
  Create("/a/b/leaf");
  EXPECT_TRUE(reaper.Poll(state(), 0).empty());
  EXPECT_EQ(reaper.NextDeadline(state(), 0), std::nullopt);
  Delete("/a/b/leaf");
  EXPECT_EQ(reaper.NextDeadline(state(), 50), 50);  // due now
  auto cmds = reaper.Poll(state(), 50);
  ASSERT_EQ(Paths(cmds), std::vector<std::string>{"/a/b"});
  EXPECT_EQ(cmds[0].reap().kind(), pb::REAP_CONTAINER);
  EXPECT_OK(StatusOf(Apply(cmds[0])));
  EXPECT_EQ(Paths(reaper.Poll(state(), 60)), std::vector<std::string>{"/a"});
}

TEST_F(NodeReaperTest, ContainerRefilledBeforeApplySurvives) {
  Create("/c", CreateMode::kContainer);
  Create("/c/x");
  Delete("/c/x");
  auto cmds = reaper.Poll(state(), 0);
  ASSERT_EQ(cmds.size(), 1u);
  Create("/c/y");
  EXPECT_CODE(StatusOf(Apply(cmds[0])), Code::kNotEmpty);
  EXPECT_TRUE(Has("/c/y"));
}

TEST_F(NodeReaperTest, PromptWhenPolledAtNextDeadline) {
  // Driven the way the runtime will drive it: wake at NextDeadline, never sleep-poll.
  for (int i = 0; i < 50; ++i) {
    Create("/t" + std::to_string(i), CreateMode::kPersistentWithTtl, 1000 + 37 * i, 0);
  }
  int64_t now = 0;
  int deleted = 0;
  while (auto next = reaper.NextDeadline(state(), now)) {
    now = *next;
    for (const auto& c : reaper.Poll(state(), now)) {
      const int64_t deadline = c.time_ms();
      EXPECT_EQ(deadline, now);
      const std::string path = c.reap().path();
      const int i = std::stoi(path.substr(2));
      EXPECT_EQ(now, 1000 + 37 * i) << "deleted exactly at its deadline";
      if (StatusOf(Apply(c)).ok()) ++deleted;
    }
    if (now > 100'000) break;
  }
  EXPECT_EQ(deleted, 50);
  EXPECT_TRUE(state().ttl_deadlines.empty());
}

}  // namespace
}  // namespace coord::store
