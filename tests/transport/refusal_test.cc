// Handshake refusals on real sockets: wrong cluster, unknown node, duplicate node; and the
// same-address replacement rule. Refused connections' messages never reach the handler.
#include <gtest/gtest.h>

#include "tests/transport/raw_client.h"
#include "tests/transport/test_node.h"

namespace coord::raft::transport::testing {
namespace {

using Type = Event::Type;
using std::chrono::milliseconds;

constexpr milliseconds kRawTimeout{30000};

// A message that must never be delivered, recognisable by its context.
raft::pb::Message Forged(uint64_t from, uint64_t to) {
  raft::pb::Message m = Append(from, to, 1, 10);
  m.set_context("forged");
  return m;
}

bool AnyForged(const Recorder::Messages& messages) {
  for (const auto& m : messages) {
    if (m.context() == "forged") return true;
  }
  return false;
}

// Proves A still serves B: B sends one more message and A's handler gets it. Anything a
// refused connection could have smuggled in would have been handled before this.
void ExpectStillServing(TestNode& a, TestNode& b, uint64_t index) {
  const size_t before = a.recorder.messages().size();
  b.transport->Send(Append(b.id(), a.id(), index, 10));
  ASSERT_TRUE(a.recorder.AwaitMessages(before + 1));
  EXPECT_EQ(a.recorder.messages().back().index(), index);
}

TEST(Refusal, NodeOfAnotherClusterIsRefusedAndItsMessagesNeverArrive) {
  auto a = StartNode(NodeOptions(1));
  ASSERT_TRUE(a);
  Transport::Options other = NodeOptions(2);
  other.cluster_id = kCluster + 1;
  other.peers = {{1, a->address()}};
  auto stranger = StartNode(other);
  ASSERT_TRUE(stranger);
  ASSERT_TRUE(a->transport->AddPeer(2, stranger->address()).ok());

  // Both directions are refused: A refuses the stranger, the stranger refuses A.
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kHandshakeRefused, 2));
  ASSERT_TRUE(stranger->recorder.AwaitEvent(Type::kDialFailed, 1));
  bool named = false;
  for (const Event& e : stranger->recorder.events()) {
    named |= e.type == Type::kDialFailed &&
             e.detail.find("REFUSAL_WRONG_CLUSTER") != std::string::npos;
  }
  EXPECT_TRUE(named) << "the dialer learns why";
  for (uint64_t i = 1; i <= 10; ++i) stranger->transport->Send(Forged(2, 1));
  EXPECT_GE(a->transport->stats().handshakes_refused, 1u);
  EXPECT_FALSE(stranger->transport->IsConnected(1));
  EXPECT_FALSE(a->transport->IsConnected(2));

  // A pipelined forger (Hello and messages in one go, not waiting for the reply).
  RawClient raw(a->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw.SendHello(kCluster + 1, 2, 1));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(raw.SendMessage(Forged(2, 1)));
  const auto reply = raw.ReadReply(kRawTimeout);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->refusal(), pb::REFUSAL_WRONG_CLUSTER);
  EXPECT_EQ(reply->node_id(), 1u);
  EXPECT_TRUE(raw.WaitClosed(kRawTimeout));

  // A third, legitimate node still gets through, and nothing forged did.
  auto c = StartNode(NodeOptions(3));
  ASSERT_TRUE(c);
  ASSERT_TRUE(a->transport->AddPeer(3, c->address()).ok());
  ASSERT_TRUE(c->transport->AddPeer(1, a->address()).ok());
  ExpectStillServing(*a, *c, 7);
  EXPECT_FALSE(AnyForged(a->recorder.messages()));
  for (const auto& m : a->recorder.messages()) EXPECT_EQ(m.from(), 3u);
}

TEST(Refusal, UnknownNodeIsRefused) {
  auto a = StartNode(NodeOptions(1));
  auto b = StartNode(NodeOptions(2));
  ASSERT_TRUE(a && b);
  Mesh({a.get(), b.get()});
  const uint64_t refused_before = a->transport->stats().handshakes_refused;

  RawClient raw(a->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw.SendHello(kCluster, 99, 1));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(raw.SendMessage(Forged(99, 1)));
  const auto reply = raw.ReadReply(kRawTimeout);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->refusal(), pb::REFUSAL_UNKNOWN_NODE);
  EXPECT_NE(reply->reason().find("99"), std::string::npos) << reply->reason();
  EXPECT_TRUE(raw.WaitClosed(kRawTimeout));

  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kHandshakeRefused, 99));
  EXPECT_EQ(a->transport->stats().handshakes_refused, refused_before + 1);
  ExpectStillServing(*a, *b, 1);
  EXPECT_FALSE(AnyForged(a->recorder.messages()));
}

TEST(Refusal, DuplicateIdFromAnotherAddressIsRefused) {
  auto a = StartNode(NodeOptions(1));
  auto b = StartNode(NodeOptions(2));
  ASSERT_TRUE(a && b);
  Mesh({a.get(), b.get()});
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kInboundAccepted, 2));  // B's stream to A is up
  const uint64_t refused_before = a->transport->stats().handshakes_refused;

  // Same id as B, from another loopback address.
  RawClient impostor(a->port(), "127.0.0.2");
  ASSERT_TRUE(impostor.ok()) << impostor.error();
  ASSERT_TRUE(impostor.SendHello(kCluster, 2, 1));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(impostor.SendMessage(Forged(2, 1)));
  const auto reply = impostor.ReadReply(kRawTimeout);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->refusal(), pb::REFUSAL_DUPLICATE_NODE);
  EXPECT_NE(reply->reason().find("already connected from 127.0.0.1"), std::string::npos)
      << reply->reason();
  EXPECT_TRUE(impostor.WaitClosed(kRawTimeout));

  EXPECT_EQ(a->transport->stats().handshakes_refused, refused_before + 1);
  // The real B was not disturbed.
  EXPECT_EQ(a->recorder.CountEvents(Type::kInboundClosed, 2), 0u);
  EXPECT_TRUE(a->transport->stats().peers.at(2).inbound_connected);
  ExpectStillServing(*a, *b, 1);
  EXPECT_FALSE(AnyForged(a->recorder.messages()));
}

TEST(Refusal, ReconnectFromTheSameAddressReplacesTheOldStream) {
  Transport::Options options = NodeOptions(1);
  options.peers = {{2, "127.0.0.1:" + std::to_string(FreePort())}};  // node 2 is never up there
  auto a = StartNode(options);
  ASSERT_TRUE(a);

  RawClient first(a->port(), "127.0.0.1");
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_TRUE(first.SendHello(kCluster, 2, 1));
  ASSERT_EQ(first.ReadReply(kRawTimeout).value_or(pb::HelloReply()).refusal(), pb::REFUSAL_NONE);
  ASSERT_TRUE(first.SendMessage(Append(2, 1, 1, 10)));
  ASSERT_TRUE(a->recorder.AwaitMessages(1));

  // Node 2 again, from the same address: taken as node 2 reconnecting after losing its stream.
  RawClient second(a->port(), "127.0.0.1");
  ASSERT_TRUE(second.ok()) << second.error();
  ASSERT_TRUE(second.SendHello(kCluster, 2, 1));
  const auto reply = second.ReadReply(kRawTimeout);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->refusal(), pb::REFUSAL_NONE);
  EXPECT_TRUE(first.WaitClosed(kRawTimeout)) << "the old stream is closed";
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kInboundClosed, 2));
  ASSERT_TRUE(second.SendMessage(Append(2, 1, 2, 10)));
  ASSERT_TRUE(a->recorder.AwaitMessages(2));
  EXPECT_TRUE(InOrderPerSender(a->recorder.messages(), {{2, 2}}));
  const Stats s = a->transport->stats();
  EXPECT_EQ(s.inbound_accepted, 2u);
  EXPECT_EQ(s.handshakes_refused, 0u);
  EXPECT_TRUE(s.peers.at(2).inbound_connected);
}

}  // namespace
}  // namespace coord::raft::transport::testing
