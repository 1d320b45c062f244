// Real transports on loopback exchanging messages: both ways, three ways, in bulk, large.
#include <gtest/gtest.h>

#include "tests/transport/test_node.h"

namespace coord::raft::transport::testing {
namespace {

using Type = Event::Type;

TEST(Exchange, TwoNodesBothWaysInOrder) {
  auto a = StartNode(NodeOptions(1));
  auto b = StartNode(NodeOptions(2));
  ASSERT_TRUE(a && b);
  Mesh({a.get(), b.get()});
  constexpr uint64_t kCount = 2000;
  for (uint64_t i = 1; i <= kCount; ++i) {
    a->transport->Send(Append(1, 2, i, 100));
    b->transport->Send(Append(2, 1, i, 100));
  }
  ASSERT_TRUE(b->recorder.AwaitMessages(kCount));
  ASSERT_TRUE(a->recorder.AwaitMessages(kCount));
  EXPECT_TRUE(InOrderPerSender(b->recorder.messages(), {{1, kCount}}));
  EXPECT_TRUE(InOrderPerSender(a->recorder.messages(), {{2, kCount}}));
  // Content survives the trip, not just the ordering field.
  const raft::pb::Message got = b->recorder.messages()[41];
  EXPECT_EQ(got.SerializeAsString(), Append(1, 2, 42, 100).SerializeAsString());

  EXPECT_TRUE(a->transport->IsConnected(2));
  EXPECT_TRUE(b->transport->IsConnected(1));
  ASSERT_TRUE(Flush(*a, *b));  // A counts a write when it completes, which may lag B's reads
  const Stats sa = a->transport->stats();
  EXPECT_GE(sa.messages_sent, kCount);  // + the marker, if its write completed too
  EXPECT_LE(sa.messages_sent, kCount + 1);
  EXPECT_EQ(sa.messages_received, kCount);
  EXPECT_GE(sa.peers.at(2).messages_sent, kCount);
  EXPECT_TRUE(sa.peers.at(2).connected);
  EXPECT_TRUE(sa.peers.at(2).inbound_connected);
  EXPECT_EQ(sa.dropped_queue_full + sa.dropped_unsent + sa.dropped_oversize, 0u);
  EXPECT_GT(sa.bytes_sent, kCount * 100);
}

TEST(Exchange, ThreeNodesEveryPairInOrder) {
  std::vector<std::unique_ptr<TestNode>> nodes;
  for (uint64_t id = 1; id <= 3; ++id) {
    nodes.push_back(StartNode(NodeOptions(id)));
    ASSERT_TRUE(nodes.back());
  }
  Mesh({nodes[0].get(), nodes[1].get(), nodes[2].get()});
  constexpr uint64_t kCount = 1000;
  // Interleave destinations so every queue is busy at once.
  for (uint64_t i = 1; i <= kCount; ++i) {
    for (auto& from : nodes) {
      for (auto& to : nodes) {
        if (from != to) from->transport->Send(Append(from->id(), to->id(), i, 20));
      }
    }
  }
  for (auto& node : nodes) {
    ASSERT_TRUE(node->recorder.AwaitMessages(2 * kCount)) << "node " << node->id();
    std::map<uint64_t, uint64_t> expected;
    for (auto& other : nodes) {
      if (other != node) expected[other->id()] = kCount;
    }
    EXPECT_TRUE(InOrderPerSender(node->recorder.messages(), expected)) << "node " << node->id();
    for (const auto& m : node->recorder.messages()) ASSERT_EQ(m.to(), node->id());
  }
}

TEST(Exchange, HundredThousandMessagesArriveCompleteAndInOrder) {
  Transport::Options options = NodeOptions(1);
  options.max_queue_per_peer = 200000;
  options.max_queue_bytes_per_peer = 256u << 20;
  auto a = StartNode(options);
  auto b = StartNode(NodeOptions(2));
  ASSERT_TRUE(a && b);
  Mesh({a.get(), b.get()});
  constexpr uint64_t kCount = 100000;
  std::vector<raft::pb::Message> batch;
  batch.reserve(kCount);
  for (uint64_t i = 1; i <= kCount; ++i) batch.push_back(Append(1, 2, i, 100));
  a->transport->Send(std::move(batch));
  ASSERT_TRUE(b->recorder.AwaitMessages(kCount));
  EXPECT_TRUE(InOrderPerSender(b->recorder.messages(), {{1, kCount}}));
  ASSERT_TRUE(Flush(*a, *b));
  const Stats s = a->transport->stats();
  EXPECT_GE(s.messages_sent, kCount);
  EXPECT_LE(s.messages_sent, kCount + 1);
  EXPECT_EQ(s.dropped_queue_full, 0u);
  // Queued frames were gathered: far fewer socket writes than messages.
  EXPECT_LT(s.writes * 20, s.messages_sent) << "writes " << s.writes;
  EXPECT_EQ(b->transport->stats().messages_received, kCount + 1);  // + the flush marker
}

TEST(Exchange, TenMebibyteMessageUnderTheBoundPasses) {
  auto a = StartNode(NodeOptions(1));  // default bound: 16 MiB
  auto b = StartNode(NodeOptions(2));
  ASSERT_TRUE(a && b);
  Mesh({a.get(), b.get()});
  const raft::pb::Message big = Append(1, 2, 1, 10u << 20);
  a->transport->Send(big);
  a->transport->Send(Append(1, 2, 2, 10));
  ASSERT_TRUE(b->recorder.AwaitMessages(2));
  const auto got = b->recorder.messages();
  ASSERT_EQ(got[0].entries(0).data().size(), 10u << 20);
  EXPECT_TRUE(got[0].entries(0).data() == big.entries(0).data());
  EXPECT_EQ(got[1].index(), 2u);
  EXPECT_EQ(b->transport->stats().protocol_errors, 0u);
}

TEST(Exchange, FrameOverTheReceiversBoundIsRefusedAndTheSenderReconnects) {
  Transport::Options sender = NodeOptions(1);
  sender.max_frame_bytes = 64u << 20;  // the sender would send it...
  sender.max_queue_bytes_per_peer = 128u << 20;
  Transport::Options receiver = NodeOptions(2);
  receiver.max_frame_bytes = 16u << 20;  // ...the receiver must refuse it
  auto a = StartNode(sender);
  auto b = StartNode(receiver);
  ASSERT_TRUE(a && b);
  Mesh({a.get(), b.get()});
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kPeerConnected, 2));

  a->transport->Send(Append(1, 2, 1, 20u << 20));
  ASSERT_TRUE(b->recorder.AwaitEvent(Type::kProtocolError, 1));
  bool named = false;
  for (const Event& e : b->recorder.events()) {
    if (e.type == Type::kProtocolError) {
      named = e.detail.find("exceeds the limit of 16777216") != std::string::npos;
    }
  }
  EXPECT_TRUE(named) << "the refusal names the bound";
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kPeerDisconnected, 2));
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kPeerConnected, 2, /*occurrences=*/2));

  a->transport->Send(Append(1, 2, 2, 10));
  ASSERT_TRUE(b->recorder.AwaitMessages(1));
  const auto got = b->recorder.messages();
  ASSERT_EQ(got.size(), 1u) << "the oversize message never reached the handler";
  EXPECT_EQ(got[0].index(), 2u);
  EXPECT_EQ(b->transport->stats().protocol_errors, 1u);
  EXPECT_GE(a->transport->stats().reconnects, 1u);
}

TEST(Exchange, SenderDropsMessagesOverItsOwnBound) {
  Transport::Options options = NodeOptions(1);
  options.max_frame_bytes = 1u << 20;
  auto a = StartNode(options);
  auto b = StartNode(NodeOptions(2));
  ASSERT_TRUE(a && b);
  Mesh({a.get(), b.get()});
  a->transport->Send(Append(1, 2, 1, 2u << 20));
  EXPECT_EQ(a->transport->stats().dropped_oversize, 1u) << "counted at Send, synchronously";
  a->transport->Send(Append(1, 2, 2, 10));
  ASSERT_TRUE(b->recorder.AwaitMessages(1));
  EXPECT_EQ(b->recorder.messages()[0].index(), 2u);
  EXPECT_EQ(a->transport->stats().peers.at(2).dropped, 1u);
  EXPECT_EQ(b->transport->stats().protocol_errors, 0u) << "nothing oversize went on the wire";
}

TEST(Exchange, SnapshotChunksTravelAsSeparateFrames) {
  auto a = StartNode(NodeOptions(1));
  auto b = StartNode(NodeOptions(2));
  ASSERT_TRUE(a && b);
  Mesh({a.get(), b.get()});
  std::vector<raft::pb::Message> chunks;
  for (uint64_t i = 0; i < 8; ++i) {
    raft::pb::Message m;
    m.set_type(raft::pb::MSG_SNAPSHOT);
    m.set_from(1);
    m.set_to(2);
    m.set_index(i + 1);
    m.mutable_snapshot()->set_offset(i * (1 << 20));
    m.mutable_snapshot()->set_data(std::string(1 << 20, static_cast<char>('A' + i)));
    m.mutable_snapshot()->set_last(i == 7);
    chunks.push_back(std::move(m));
  }
  a->transport->Send(chunks);
  ASSERT_TRUE(b->recorder.AwaitMessages(8));
  const auto got = b->recorder.messages();
  ASSERT_EQ(got.size(), 8u);
  for (uint64_t i = 0; i < 8; ++i) {
    EXPECT_EQ(got[i].snapshot().offset(), i * (1 << 20));
    EXPECT_EQ(got[i].snapshot().data(), chunks[i].snapshot().data()) << "one chunk per message";
  }
}

}  // namespace
}  // namespace coord::raft::transport::testing
