// Hostile or broken byte streams from raw sockets: garbage, truncated frames, absurd length
// prefixes, unparsable frames, silence, forged senders. Each connection is closed (or the
// message dropped), counted, and the transport keeps serving its real peers.
#include <random>

#include <gtest/gtest.h>

#include "tests/transport/raw_client.h"
#include "tests/transport/test_node.h"

namespace coord::raft::transport::testing {
namespace {

using Type = Event::Type;
using std::chrono::milliseconds;

constexpr milliseconds kRawTimeout{30000};
constexpr uint64_t kRawId = 3;  // a configured peer id the raw client speaks as

class Garbage : public ::testing::Test {
 protected:
  void SetUp() override {
    Transport::Options options = NodeOptions(1);
    options.handshake_timeout = milliseconds(1000);
    a_ = StartNode(options);
    b_ = StartNode(NodeOptions(2));
    ASSERT_TRUE(a_ && b_);
    Mesh({a_.get(), b_.get()});
    // Node 3 exists in A's address book (nobody listens there) so a raw client may pass the
    // handshake as node 3.
    ASSERT_TRUE(a_->transport->AddPeer(kRawId, "127.0.0.1:" + std::to_string(FreePort())).ok());
    // Baselines: anything that happened while setting up (say, a dial of B's that a loaded
    // machine slowed past the handshake timeout) is not what the test is about.
    events_before_ = a_->recorder.events().size();
    errors_before_ = a_->transport->stats().protocol_errors;
    accepted_before_ = a_->transport->stats().inbound_accepted;
  }

  // Waits for the first protocol error A reports about `peer` during the test; its detail.
  std::string AwaitProtocolError(uint64_t peer) {
    std::string detail;
    auto found = [&](const Recorder::Messages&, const Recorder::Events& events) {
      for (size_t i = events_before_; i < events.size(); ++i) {
        if (events[i].type == Type::kProtocolError && events[i].peer == peer) {
          detail = events[i].detail;
          return true;
        }
      }
      return false;
    };
    const bool seen = a_->recorder.Await(found);
    EXPECT_TRUE(seen) << "no protocol error about peer " << peer;
    return detail;
  }

  uint64_t NewProtocolErrors() { return a_->transport->stats().protocol_errors - errors_before_; }

  // A still serves B, and A's handler saw nothing from the raw client.
  void ExpectUnharmed(uint64_t index) {
    const size_t before = a_->recorder.messages().size();
    b_->transport->Send(Append(2, 1, index, 10));
    ASSERT_TRUE(a_->recorder.AwaitMessages(before + 1));
    for (const auto& m : a_->recorder.messages()) EXPECT_EQ(m.from(), 2u);
    EXPECT_TRUE(a_->transport->IsConnected(2));
  }

  std::unique_ptr<TestNode> a_;
  std::unique_ptr<TestNode> b_;
  size_t events_before_ = 0;
  uint64_t errors_before_ = 0;
  uint64_t accepted_before_ = 0;
};

TEST_F(Garbage, RandomBytesCloseTheConnection) {
  std::mt19937 rng(12345);
  std::string junk(4096, '\0');
  for (char& c : junk) c = static_cast<char>(rng());
  junk[0] = 'X';  // not the magic's first byte
  RawClient raw(a_->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  raw.Write(junk);  // may fail part-way once A closes: that is the point
  EXPECT_TRUE(raw.WaitClosed(kRawTimeout));
  EXPECT_NE(AwaitProtocolError(0).find("bad magic"), std::string::npos);
  EXPECT_EQ(NewProtocolErrors(), 1u);
  ExpectUnharmed(1);
}

TEST_F(Garbage, AnHttpRequestIsNotAPeer) {
  RawClient raw(a_->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw.Write("GET /cluster HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(raw.WaitClosed(kRawTimeout));
  EXPECT_NE(AwaitProtocolError(0).find("bad magic"), std::string::npos);
  ExpectUnharmed(1);
}

TEST_F(Garbage, TruncatedFrameAfterTheHandshakeClosesTheConnection) {
  RawClient raw(a_->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw.SendHello(kCluster, kRawId, 1));
  ASSERT_TRUE(raw.ReadReply(kRawTimeout).has_value());
  ASSERT_TRUE(raw.Write(LengthPrefix(100) + std::string(10, 'x')));
  raw.ShutdownSend();
  EXPECT_TRUE(raw.WaitClosed(kRawTimeout));
  EXPECT_NE(AwaitProtocolError(kRawId).find("stream ended inside a frame"), std::string::npos);
  ExpectUnharmed(1);
}

TEST_F(Garbage, TruncatedHandshakeClosesTheConnection) {
  RawClient raw(a_->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw.Write(std::string("CRFT") + LengthPrefix(40) + "abc"));
  raw.ShutdownSend();
  EXPECT_TRUE(raw.WaitClosed(kRawTimeout));
  EXPECT_NE(AwaitProtocolError(0).find("stream ended inside a frame"), std::string::npos);
  EXPECT_EQ(a_->transport->stats().inbound_accepted, accepted_before_) << "nothing accepted";
  ExpectUnharmed(1);
}

TEST_F(Garbage, AbsurdLengthPrefixAfterTheHandshakeIsRefusedUnread) {
  RawClient raw(a_->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw.SendHello(kCluster, kRawId, 1));
  ASSERT_TRUE(raw.ReadReply(kRawTimeout).has_value());
  ASSERT_TRUE(raw.Write(LengthPrefix(0xFFFFFFFFu)));
  EXPECT_TRUE(raw.WaitClosed(kRawTimeout));
  const std::string detail = AwaitProtocolError(kRawId);
  EXPECT_NE(detail.find("frame of 4294967295 bytes exceeds the limit of 16777216"),
            std::string::npos)
      << detail;
  ExpectUnharmed(1);
}

TEST_F(Garbage, AbsurdLengthPrefixInPlaceOfAHandshakeIsRefused) {
  RawClient raw(a_->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  // Within the normal frame bound, but far above what a handshake needs.
  ASSERT_TRUE(raw.Write(std::string("CRFT") + LengthPrefix(1u << 20)));
  EXPECT_TRUE(raw.WaitClosed(kRawTimeout));
  const std::string detail = AwaitProtocolError(0);
  EXPECT_NE(detail.find("for a handshake"), std::string::npos) << detail;
  ExpectUnharmed(1);
}

TEST_F(Garbage, UnparsableFramesCloseTheConnection) {
  RawClient bad_hello(a_->port());
  ASSERT_TRUE(bad_hello.ok()) << bad_hello.error();
  ASSERT_TRUE(bad_hello.Write(std::string("CRFT") + Frame(std::string(16, '\xff'))));
  EXPECT_TRUE(bad_hello.WaitClosed(kRawTimeout));
  EXPECT_NE(AwaitProtocolError(0).find("unparsable handshake"), std::string::npos);

  RawClient bad_message(a_->port());
  ASSERT_TRUE(bad_message.ok()) << bad_message.error();
  ASSERT_TRUE(bad_message.SendHello(kCluster, kRawId, 1));
  ASSERT_TRUE(bad_message.ReadReply(kRawTimeout).has_value());
  ASSERT_TRUE(bad_message.Write(Frame(std::string(16, '\xff'))));
  EXPECT_TRUE(bad_message.WaitClosed(kRawTimeout));
  EXPECT_NE(AwaitProtocolError(kRawId).find("unparsable Raft message"), std::string::npos);
  EXPECT_EQ(NewProtocolErrors(), 2u);
  ExpectUnharmed(1);
}

TEST_F(Garbage, SilentConnectionIsClosedAfterTheHandshakeTimeout) {
  RawClient raw(a_->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  EXPECT_TRUE(raw.WaitClosed(kRawTimeout));
  EXPECT_NE(AwaitProtocolError(0).find("no handshake within 1000ms"), std::string::npos);
  ExpectUnharmed(1);
}

TEST_F(Garbage, MessagesSpeakingForAnotherNodeAreDropped) {
  RawClient raw(a_->port());
  ASSERT_TRUE(raw.ok()) << raw.error();
  ASSERT_TRUE(raw.SendHello(kCluster, kRawId, 1));
  ASSERT_TRUE(raw.ReadReply(kRawTimeout).has_value());
  ASSERT_TRUE(raw.SendMessage(Append(2, 1, 900, 10)));       // claims to come from B
  ASSERT_TRUE(raw.SendMessage(Append(kRawId, 5, 901, 10)));  // addressed to someone else
  ASSERT_TRUE(raw.SendMessage(Append(kRawId, 1, 902, 10)));  // fine
  ASSERT_TRUE(a_->recorder.AwaitMessages(1));
  const auto got = a_->recorder.messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].index(), 902u);
  EXPECT_EQ(a_->transport->stats().messages_rejected, 2u);
}

}  // namespace
}  // namespace coord::raft::transport::testing
