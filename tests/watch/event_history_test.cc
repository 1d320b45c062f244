// EventHistory: the window of recent batches and its one promise, "since >= compacted_through
// replays every event after since".
#include "watch/event_history.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "test_util.h"

namespace coord::watch {
namespace {

using namespace testing;  // NOLINT

BatchPtr Batch(uint64_t zxid, size_t events) {
  auto b = std::make_shared<EventBatch>();
  b->zxid = zxid;
  for (size_t i = 0; i < events; ++i) b->events.push_back(Ev(kCreated, "/n", zxid));
  return b;
}

std::vector<uint64_t> After(const EventHistory& h, uint64_t since) {
  std::vector<uint64_t> zxids;
  h.ForEachAfter(since, [&](const BatchPtr& b) {
    zxids.push_back(b->zxid);
    return true;
  });
  return zxids;
}

TEST(EventHistoryTest, StartsCompactedAtItsStartZxid) {
  EventHistory h(10, 100);
  EXPECT_EQ(h.compacted_through(), 100u);
  EXPECT_TRUE(h.CanResumeFrom(100));
  EXPECT_TRUE(h.CanResumeFrom(150));  // ahead: nothing to replay, nothing missing
  EXPECT_FALSE(h.CanResumeFrom(99));
  EXPECT_TRUE(After(h, 100).empty());
}

TEST(EventHistoryTest, EvictsOldestWholeBatchesByEventCount) {
  EventHistory h(5, 0);
  h.Append(Batch(3, 2));
  h.Append(Batch(7, 2));
  EXPECT_EQ(h.event_count(), 4u);
  EXPECT_EQ(h.compacted_through(), 0u);
  h.Append(Batch(9, 2));  // 6 > 5: zxid 3 goes, whole
  EXPECT_EQ(h.event_count(), 4u);
  EXPECT_EQ(h.batch_count(), 2u);
  EXPECT_EQ(h.compacted_through(), 3u);
  EXPECT_FALSE(h.CanResumeFrom(2));
  // Resuming anywhere from 3 on is exact: zxids 4..6 had no events.
  EXPECT_TRUE(h.CanResumeFrom(3));
  EXPECT_EQ(After(h, 3), (std::vector<uint64_t>{7, 9}));
  EXPECT_EQ(After(h, 5), (std::vector<uint64_t>{7, 9}));
  EXPECT_EQ(After(h, 7), (std::vector<uint64_t>{9}));
  EXPECT_TRUE(After(h, 9).empty());
}

TEST(EventHistoryTest, ABatchLargerThanTheCapacityIsNotKept) {
  EventHistory h(3, 0);
  h.Append(Batch(1, 1));
  h.Append(Batch(2, 4));
  EXPECT_EQ(h.batch_count(), 0u);
  EXPECT_EQ(h.compacted_through(), 2u);
  h.Append(Batch(3, 1));
  EXPECT_EQ(After(h, 2), (std::vector<uint64_t>{3}));
}

TEST(EventHistoryTest, ZeroCapacityKeepsNothing) {
  EventHistory h(0, 0);
  h.Append(Batch(1, 1));
  EXPECT_EQ(h.batch_count(), 0u);
  EXPECT_EQ(h.compacted_through(), 1u);
  EXPECT_FALSE(h.CanResumeFrom(0));
  EXPECT_TRUE(h.CanResumeFrom(1));
}

TEST(EventHistoryTest, ResetForgetsEverythingBeforeIt) {
  EventHistory h(100, 0);
  h.Append(Batch(1, 1));
  h.Append(Batch(2, 1));
  h.ResetAt(50);
  EXPECT_EQ(h.batch_count(), 0u);
  EXPECT_EQ(h.event_count(), 0u);
  EXPECT_EQ(h.compacted_through(), 50u);
  EXPECT_FALSE(h.CanResumeFrom(2));
  h.Append(Batch(51, 1));
  EXPECT_EQ(After(h, 50), (std::vector<uint64_t>{51}));
}

TEST(EventHistoryTest, ForEachAfterStopsWhenAsked) {
  EventHistory h(100, 0);
  for (uint64_t z = 1; z <= 5; ++z) h.Append(Batch(z * 10, 1));
  std::vector<uint64_t> seen;
  h.ForEachAfter(15, [&](const BatchPtr& b) {
    seen.push_back(b->zxid);
    return seen.size() < 2;
  });
  EXPECT_EQ(seen, (std::vector<uint64_t>{20, 30}));
}

TEST(EventHistoryDeathTest, ZxidsMustIncrease) {
  EventHistory h(100, 0);
  h.Append(Batch(5, 1));
  EXPECT_DEATH(h.Append(Batch(5, 1)), "watch.history_zxid_increases");
}

}  // namespace
}  // namespace coord::watch
