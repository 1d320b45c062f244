// A peer that is down, or goes down: bounded queues, the backoff loop, reconnection.
#include <gtest/gtest.h>

#include "tests/transport/test_node.h"

namespace coord::raft::transport::testing {
namespace {

using Type = Event::Type;

TEST(PeerDown, QueueStaysWithinItsBoundAndDrainsWhenThePeerStartsLater) {
  const uint16_t b_port = FreePort();
  ASSERT_NE(b_port, 0);
  Transport::Options options = NodeOptions(1);
  options.max_queue_per_peer = 100;
  options.peers = {{2, "127.0.0.1:" + std::to_string(b_port)}};
  auto a = StartNode(options);
  ASSERT_TRUE(a);

  for (uint64_t i = 1; i <= 1000; ++i) a->transport->Send(Append(1, 2, i, 100));
  Stats s = a->transport->stats();
  EXPECT_EQ(s.peers.at(2).queued_messages, 100u) << "bounded, whatever was sent";
  EXPECT_EQ(s.dropped_queue_full, 900u);
  EXPECT_EQ(s.peers.at(2).dropped, 900u);
  EXPECT_FALSE(a->transport->IsConnected(2));

  // The backoff loop keeps trying.
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kDialFailed, 2, /*occurrences=*/3));
  EXPECT_GE(a->transport->stats().dial_failures, 3u);

  // The peer starts, later, on the address A was given.
  Transport::Options b_options = NodeOptions(2, b_port);
  b_options.peers = {{1, a->address()}};
  auto b = StartNode(b_options);
  ASSERT_TRUE(b);
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kPeerConnected, 2));
  // The queued messages (the first 100: drops take the newest) arrive, then new ones.
  ASSERT_TRUE(b->recorder.AwaitMessages(100));
  a->transport->Send(Append(1, 2, 101, 100));
  ASSERT_TRUE(b->recorder.AwaitMessages(101));
  EXPECT_TRUE(InOrderPerSender(b->recorder.messages(), {{1, 101}}));
  s = a->transport->stats();
  EXPECT_EQ(s.peers.at(2).queued_messages, 0u);
  EXPECT_TRUE(s.peers.at(2).connected);
}

TEST(PeerDown, ByteBoundHoldsForLargeMessages) {
  Transport::Options options = NodeOptions(1);
  options.max_frame_bytes = 64u << 10;
  options.max_queue_per_peer = 1000000;
  options.max_queue_bytes_per_peer = 256u << 10;
  options.peers = {{2, "127.0.0.1:" + std::to_string(FreePort())}};
  auto a = StartNode(options);
  ASSERT_TRUE(a);
  for (uint64_t i = 1; i <= 200; ++i) a->transport->Send(Append(1, 2, i, 10000));
  const Stats s = a->transport->stats();
  EXPECT_LE(s.peers.at(2).queued_bytes, 256u << 10);
  EXPECT_GT(s.peers.at(2).queued_messages, 20u);
  EXPECT_EQ(s.peers.at(2).queued_messages + s.dropped_queue_full, 200u);
}

TEST(PeerDown, PeerRestartedOnTheSamePortIsReconnected) {
  auto a = StartNode(NodeOptions(1));
  auto b = StartNode(NodeOptions(2));
  ASSERT_TRUE(a && b);
  Mesh({a.get(), b.get()});
  const uint16_t b_port = b->port();
  a->transport->Send(Append(1, 2, 1, 10));
  ASSERT_TRUE(b->recorder.AwaitMessages(1));

  b.reset();  // stop B: its listener and connections close
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kPeerDisconnected, 2));
  EXPECT_FALSE(a->transport->IsConnected(2));
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kDialFailed, 2));
  a->transport->Send(Append(1, 2, 1, 10));  // queued while B is away

  Transport::Options b_options = NodeOptions(2, b_port);
  b_options.peers = {{1, a->address()}};
  auto b2 = StartNode(b_options);
  ASSERT_TRUE(b2);
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kPeerConnected, 2, /*occurrences=*/2));
  a->transport->Send(Append(1, 2, 2, 10));
  ASSERT_TRUE(b2->recorder.AwaitMessages(2));
  EXPECT_TRUE(InOrderPerSender(b2->recorder.messages(), {{1, 2}}));
  EXPECT_EQ(a->transport->stats().reconnects, 1u);
  // And the restarted node's own stream back to A works too.
  b2->transport->Send(Append(2, 1, 1, 10));
  ASSERT_TRUE(a->recorder.AwaitMessages(1));
  EXPECT_EQ(a->recorder.messages()[0].from(), 2u);
}

}  // namespace
}  // namespace coord::raft::transport::testing
