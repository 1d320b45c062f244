#include "raft/transport/send_queue.h"

#include <gtest/gtest.h>

namespace coord::raft::transport {
namespace {

using Push = SendQueue::PushResult;

raft::pb::Message Msg(uint64_t index) {
  raft::pb::Message m;
  m.set_index(index);
  return m;
}

TEST(SendQueue, RefusesBeyondTheMessageBound) {
  SendQueue q(3, 1 << 20);
  EXPECT_EQ(q.Push(Msg(1), 10), Push::kQueuedWakeWriter);
  EXPECT_EQ(q.Push(Msg(2), 10), Push::kQueued);
  EXPECT_EQ(q.Push(Msg(3), 10), Push::kQueued);
  EXPECT_EQ(q.Push(Msg(4), 10), Push::kFull);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.bytes(), 30u);
}

TEST(SendQueue, RefusesBeyondTheByteBound) {
  SendQueue q(100, 25);
  EXPECT_NE(q.Push(Msg(1), 10), Push::kFull);
  EXPECT_NE(q.Push(Msg(2), 10), Push::kFull);
  EXPECT_EQ(q.Push(Msg(3), 10), Push::kFull);
  EXPECT_NE(q.Push(Msg(4), 5), Push::kFull) << "a smaller message still fits";
  EXPECT_EQ(q.bytes(), 25u);
}

TEST(SendQueue, WakesTheWriterOncePerIdlePeriod) {
  SendQueue q(100, 1 << 20);
  EXPECT_EQ(q.Push(Msg(1), 1), Push::kQueuedWakeWriter);
  EXPECT_EQ(q.Push(Msg(2), 1), Push::kQueued);
  std::deque<SendQueue::Item> batch;
  EXPECT_EQ(q.TakeBatch(1 << 20, &batch), 2u);
  EXPECT_EQ(q.Push(Msg(3), 1), Push::kQueued) << "writer not idle yet: it will look again";
  batch.clear();
  EXPECT_EQ(q.TakeBatch(1 << 20, &batch), 1u);
  batch.clear();
  EXPECT_EQ(q.TakeBatch(1 << 20, &batch), 0u);  // empty: the writer goes idle
  EXPECT_EQ(q.Push(Msg(4), 1), Push::kQueuedWakeWriter);
}

TEST(SendQueue, BatchesUpToTheByteLimitButAtLeastOneMessage) {
  SendQueue q(100, 1 << 20);
  q.Push(Msg(1), 400);
  q.Push(Msg(2), 400);
  q.Push(Msg(3), 400);
  q.Push(Msg(4), 5000);
  std::vector<uint64_t> order;
  auto take = [&](size_t max_bytes) {
    std::deque<SendQueue::Item> batch;
    const size_t n = q.TakeBatch(max_bytes, &batch);
    EXPECT_EQ(n, batch.size());
    for (const auto& item : batch) order.push_back(item.message.index());
    return n;
  };
  EXPECT_EQ(take(1000), 2u);
  EXPECT_EQ(take(1000), 1u);
  EXPECT_EQ(take(1000), 1u) << "an oversize message goes alone";
  EXPECT_EQ(order, (std::vector<uint64_t>{1, 2, 3, 4})) << "FIFO";
  EXPECT_EQ(q.bytes(), 0u);
  q.Push(Msg(5), 10);
  q.Push(Msg(6), 10);
  EXPECT_EQ(take(1000), 2u) << "all of it fits: taken at once";
  EXPECT_EQ(order.back(), 6u);
  EXPECT_EQ(q.size(), 0u);
}

TEST(SendQueue, CloseDiscardsAndRefuses) {
  SendQueue q(100, 1 << 20);
  q.Push(Msg(1), 1);
  q.Push(Msg(2), 1);
  EXPECT_EQ(q.Close(), 2u);
  EXPECT_EQ(q.Push(Msg(3), 1), Push::kClosed);
  EXPECT_EQ(q.size(), 0u);
}

}  // namespace
}  // namespace coord::raft::transport
