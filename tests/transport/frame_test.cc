// FrameDecoder and AppendFrame: the wire format, fed in every awkward split.
#include "raft/transport/frame.h"

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "raft/raft.pb.h"

namespace coord::raft::transport {
namespace {

using Outcome = FrameDecoder::Outcome;

// Feeds `bytes` in pieces of `step` and collects frames until the decoder stops.
struct Fed {
  std::vector<std::string> frames;
  Outcome last = Outcome::kNeedMore;
};

Fed Feed(FrameDecoder& decoder, const std::string& bytes, size_t step) {
  Fed fed;
  for (size_t at = 0; at < bytes.size(); at += step) {
    const size_t n = std::min(step, bytes.size() - at);
    auto space = decoder.WritableSpan(n);
    EXPECT_GE(space.size(), n);
    std::memcpy(space.data(), bytes.data() + at, n);
    decoder.Commit(n);
    for (;;) {
      std::span<const uint8_t> payload;
      fed.last = decoder.Next(&payload);
      if (fed.last != Outcome::kFrame) break;
      fed.frames.emplace_back(reinterpret_cast<const char*>(payload.data()), payload.size());
    }
    if (fed.last == Outcome::kBadMagic || fed.last == Outcome::kTooLarge) break;
  }
  return fed;
}

std::string Prefix(uint32_t n) {
  return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
          static_cast<char>(n)};
}

std::string Stream(const std::vector<std::string>& payloads, bool magic = true) {
  std::string s = magic ? std::string(kMagic, kMagicBytes) : "";
  for (const auto& p : payloads) s += Prefix(static_cast<uint32_t>(p.size())) + p;
  return s;
}

TEST(FrameDecoder, SplitsFramesWhateverTheReadSizes) {
  const std::vector<std::string> payloads = {"a", "", std::string(300, 'x'), "hello",
                                             std::string(70000, 'y')};
  const std::string bytes = Stream(payloads);
  for (size_t step : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{4096}, bytes.size()}) {
    FrameDecoder decoder(1 << 20, /*expect_magic=*/true);
    const Fed fed = Feed(decoder, bytes, step);
    EXPECT_EQ(fed.frames, payloads) << "step " << step;
    EXPECT_EQ(fed.last, Outcome::kNeedMore);
    EXPECT_EQ(decoder.buffered(), 0u);
  }
}

TEST(FrameDecoder, RefusesBadMagicOnTheFirstWrongByte) {
  FrameDecoder decoder(1024, true);
  EXPECT_EQ(Feed(decoder, "C", 1).last, Outcome::kNeedMore);  // a correct prefix waits
  EXPECT_EQ(Feed(decoder, "X", 1).last, Outcome::kBadMagic);
  std::span<const uint8_t> payload;
  EXPECT_EQ(decoder.Next(&payload), Outcome::kBadMagic) << "stays refused";

  FrameDecoder http(1024, true);
  EXPECT_EQ(Feed(http, "GET / HTTP/1.1\r\n", 16).last, Outcome::kBadMagic);
}

TEST(FrameDecoder, RefusesOversizeFramesFromTheLengthAlone) {
  FrameDecoder decoder(1000, true);
  // Only the magic and the length prefix arrive: refused before any payload is buffered.
  const Fed fed = Feed(decoder, std::string(kMagic, kMagicBytes) + Prefix(0xFFFFFFFFu), 8);
  EXPECT_EQ(fed.last, Outcome::kTooLarge);
  EXPECT_EQ(decoder.announced_length(), 0xFFFFFFFFu);

  FrameDecoder exact(1000, false);
  EXPECT_EQ(Feed(exact, Stream({std::string(1000, 'z')}, false), 64).frames.size(), 1u)
      << "the bound itself passes";
  FrameDecoder over(1000, false);
  EXPECT_EQ(Feed(over, Stream({std::string(1001, 'z')}, false), 64).last, Outcome::kTooLarge);
}

TEST(FrameDecoder, ReportsBytesOfAnIncompleteFrame) {
  FrameDecoder decoder(1024, false);
  const Fed fed = Feed(decoder, Prefix(100) + std::string(10, 'q'), 14);
  EXPECT_TRUE(fed.frames.empty());
  EXPECT_EQ(fed.last, Outcome::kNeedMore);
  EXPECT_EQ(decoder.buffered(), 14u);
}

TEST(FrameDecoder, OffersRoomForTheWholeRestOfAKnownFrame) {
  FrameDecoder decoder(16 << 20, false);
  const std::string head = Prefix(10 << 20) + "abc";
  auto space = decoder.WritableSpan(head.size());
  std::memcpy(space.data(), head.data(), head.size());
  decoder.Commit(head.size());
  std::span<const uint8_t> payload;
  ASSERT_EQ(decoder.Next(&payload), Outcome::kNeedMore);
  // The large frame is then read in place: no further growth or copies per read.
  EXPECT_GE(decoder.WritableSpan(4096).size(), (10u << 20) - 3);
}

TEST(FrameDecoder, RaisingTheBoundAfterTheHandshakeAdmitsLargerFrames) {
  FrameDecoder decoder(kMaxHandshakeFrameBytes, true);
  const std::string bytes = Stream({"hello", std::string(10000, 'm')});
  FrameDecoder strict(kMaxHandshakeFrameBytes, true);
  EXPECT_EQ(Feed(strict, bytes, bytes.size()).last, Outcome::kTooLarge);

  auto space = decoder.WritableSpan(bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  decoder.Commit(bytes.size());
  std::span<const uint8_t> payload;
  ASSERT_EQ(decoder.Next(&payload), Outcome::kFrame);
  decoder.set_max_frame_bytes(1 << 20);
  ASSERT_EQ(decoder.Next(&payload), Outcome::kFrame);
  EXPECT_EQ(payload.size(), 10000u);
}

TEST(AppendFrame, RoundTripsAProtobufMessage) {
  raft::pb::Message m;
  m.set_type(raft::pb::MSG_SNAPSHOT);
  m.set_from(1);
  m.set_to(2);
  m.mutable_snapshot()->set_data(std::string(5000, 's'));
  std::string out = "prefix";
  const size_t n = AppendFrame(&out, m);
  EXPECT_EQ(n, m.ByteSizeLong());
  ASSERT_EQ(out.size(), 6 + kLengthBytes + n);
  EXPECT_EQ(out.substr(6, 4), Prefix(static_cast<uint32_t>(n)));
  raft::pb::Message back;
  ASSERT_TRUE(back.ParseFromString(out.substr(10)));
  EXPECT_EQ(back.snapshot().data().size(), 5000u);
  EXPECT_EQ(back.to(), 2u);
}

}  // namespace
}  // namespace coord::raft::transport
