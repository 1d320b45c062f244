// Start errors, membership changes and shutdown.
#include <future>

#include <gtest/gtest.h>

#include "tests/transport/test_node.h"

namespace coord::raft::transport::testing {
namespace {

using Type = Event::Type;

Transport::MessageHandler Ignore() {
  return [](raft::pb::Message) {};
}

TEST(Lifecycle, PortAlreadyInUseIsAClearError) {
  auto a = StartNode(NodeOptions(1));
  ASSERT_TRUE(a);
  auto second = Transport::Start(NodeOptions(2, a->port()), Ignore());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kIOError);
  const std::string& message = second.status().message();
  EXPECT_NE(message.find("cannot listen on 127.0.0.1:" + std::to_string(a->port())),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("Address already in use"), std::string::npos) << message;
}

TEST(Lifecycle, BadOptionsAreRefusedUpFront) {
  struct Case {
    const char* name;
    std::function<void(Transport::Options&)> spoil;
    const char* mentions;
  };
  const Case cases[] = {
      {"listen host", [](auto& o) { o.listen_host = "localhost"; }, "not an IP address"},
      {"peer address",
       [](auto& o) {
         o.peers = {{2, "127.0.0.1"}};
       },
       "peer 2"},
      {"peer port",
       [](auto& o) {
         o.peers = {{2, "127.0.0.1:99999"}};
       },
       "port out of range"},
      {"peer id 0",
       [](auto& o) {
         o.peers = {{0, "127.0.0.1:7000"}};
       },
       "peer id 0"},
      {"node id", [](auto& o) { o.node_id = 0; }, "node_id"},
      {"queue bytes", [](auto& o) { o.max_queue_bytes_per_peer = o.max_frame_bytes - 1; },
       "max_queue_bytes_per_peer"},
      {"frame bound", [](auto& o) { o.max_frame_bytes = 5ull << 30; }, "max_frame_bytes"},
      {"backoff", [](auto& o) { o.backoff_max = std::chrono::milliseconds(1); }, "backoff"},
  };
  for (const Case& c : cases) {
    Transport::Options options = NodeOptions(1);
    c.spoil(options);
    auto started = Transport::Start(options, Ignore());
    ASSERT_FALSE(started.ok()) << c.name;
    EXPECT_EQ(started.status().code(), Status::Code::kInvalidArgument) << c.name;
    EXPECT_NE(started.status().message().find(c.mentions), std::string::npos)
        << c.name << ": " << started.status().message();
  }
  EXPECT_FALSE(Transport::Start(NodeOptions(1), nullptr).ok()) << "a handler is required";
}

TEST(Lifecycle, UnknownRecipientsAreDroppedAndCounted) {
  auto a = StartNode(NodeOptions(1));
  ASSERT_TRUE(a);
  a->transport->Send(Append(1, 42, 1));
  a->transport->Send(Append(1, 1, 1));  // to itself: not a peer either
  EXPECT_EQ(a->transport->stats().dropped_unknown_peer, 2u);
}

TEST(Lifecycle, BadAddressInAnUpdateChangesNothing) {
  auto a = StartNode(NodeOptions(1));
  auto b = StartNode(NodeOptions(2));
  ASSERT_TRUE(a && b);
  Mesh({a.get(), b.get()});
  const Status s = a->transport->UpdatePeers({{2, b->address()}, {3, "nonsense"}});
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(a->transport->stats().peers.size(), 1u);
  EXPECT_TRUE(a->transport->IsConnected(2));
}

TEST(Lifecycle, RemovedPeerIsDisconnectedBothWaysAndRefused) {
  auto a = StartNode(NodeOptions(1));
  auto b = StartNode(NodeOptions(2));
  ASSERT_TRUE(a && b);
  Mesh({a.get(), b.get()});
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kInboundAccepted, 2));

  a->transport->RemovePeer(2);
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kInboundClosed, 2));  // B's stream to A
  ASSERT_TRUE(b->recorder.AwaitEvent(Type::kPeerDisconnected, 1));
  EXPECT_FALSE(a->transport->IsConnected(2));
  EXPECT_EQ(a->transport->stats().peers.count(2), 0u);
  // B keeps trying and A refuses it: not in A's peer set any more.
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kHandshakeRefused, 2));
  a->transport->Send(Append(1, 2, 1));
  EXPECT_EQ(a->transport->stats().dropped_unknown_peer, 1u);

  // Added back (a membership change reverting it): both directions recover.
  ASSERT_TRUE(a->transport->AddPeer(2, b->address()).ok());
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kPeerConnected, 2, /*occurrences=*/2));
  ASSERT_TRUE(b->recorder.AwaitEvent(Type::kPeerConnected, 1, /*occurrences=*/2));
  a->transport->Send(Append(1, 2, 1));
  b->transport->Send(Append(2, 1, 1));
  EXPECT_TRUE(b->recorder.AwaitMessages(1));
  EXPECT_TRUE(a->recorder.AwaitMessages(1));
}

TEST(Lifecycle, MovedPeerIsRedialledAtItsNewAddress) {
  auto a = StartNode(NodeOptions(1));
  auto b = StartNode(NodeOptions(2));
  ASSERT_TRUE(a && b);
  Mesh({a.get(), b.get()});
  // Node 2 comes back elsewhere (a new process on a new port).
  Transport::Options moved = NodeOptions(2);
  moved.peers = {{1, a->address()}};
  auto b2 = StartNode(moved);
  ASSERT_TRUE(b2);
  b.reset();
  ASSERT_TRUE(a->transport->AddPeer(2, b2->address()).ok());
  EXPECT_EQ(a->transport->stats().peers.at(2).address, b2->address());
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kPeerConnected, 2, /*occurrences=*/2));
  a->transport->Send(Append(1, 2, 1));
  ASSERT_TRUE(b2->recorder.AwaitMessages(1));
}

TEST(Lifecycle, StopIsIdempotentAndSilencesHandlers) {
  auto a = StartNode(NodeOptions(1));
  auto b = StartNode(NodeOptions(2));
  ASSERT_TRUE(a && b);
  Mesh({a.get(), b.get()});
  b->transport->Stop();
  b->transport->Stop();
  const size_t seen = b->recorder.messages().size();
  a->transport->Send(Append(1, 2, 1));
  b->transport->Send(Append(2, 1, 1));  // dropped: stopped
  ASSERT_TRUE(a->recorder.AwaitEvent(Type::kPeerDisconnected, 2));
  EXPECT_EQ(b->recorder.messages().size(), seen);
  EXPECT_EQ(b->transport->stats().peers.size(), 0u);
}

TEST(Lifecycle, StopFromInsideTheHandler) {
  auto b = StartNode(NodeOptions(2));
  ASSERT_TRUE(b);
  std::promise<void> stopped;
  std::unique_ptr<Transport> a;
  std::atomic<int> calls{0};
  Transport::Options options = NodeOptions(1);
  options.peers = {{2, b->address()}};
  auto started = Transport::Start(options, [&](raft::pb::Message) {
    if (calls.fetch_add(1) == 0) {
      a->Stop();  // shuts down without joining its own thread
      stopped.set_value();
    }
  });
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  a = std::move(started).value();
  ASSERT_TRUE(b->transport->AddPeer(1, "127.0.0.1:" + std::to_string(a->listen_port())).ok());
  for (uint64_t i = 1; i <= 50; ++i) b->transport->Send(Append(2, 1, i));
  ASSERT_EQ(stopped.get_future().wait_for(kTimeout), std::future_status::ready);
  a.reset();  // joins here, from the test thread
  EXPECT_EQ(calls.load(), 1) << "no handler call after Stop";
}

}  // namespace
}  // namespace coord::raft::transport::testing
