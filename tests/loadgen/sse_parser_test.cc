#include "client/loadgen/sse_parser.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace coord::loadgen {
namespace {

// A stream as coordd writes one, with every case the parser must handle.
const std::string kStream =
    ": hello\n"                                   // a comment before anything
    "id: 58\n"
    "data: {\"zxid\":58,\"events\":[{\"path\":\"/load/k1\",\"type\":\"data_changed\",\"zxid\":58}]}\n"
    "\n"
    "\n"                                          // blank lines in a row: no empty message
    ": heartbeat\n"
    "event: progress\n"
    "id: 75\n"
    "data: {\"zxid\":75}\n"
    "\n"
    "id: 76\r\n"                                  // CRLF line ends
    "data:no space after the colon\r\n"
    "data:  two spaces, one is kept\r\n"
    "retry: 10\r\n"                               // an unknown field: ignored
    "\r\n"
    "event: end\n"
    "data: {\"code\":\"WATCHER_TOO_SLOW\",\"resume_since\":80}\n"
    "\n"
    "id: 81\n"                                    // incomplete: no blank line yet
    "data: {}\n";

struct Got {
  std::string event, id, data;
  bool operator==(const Got&) const = default;
};

std::vector<Got> FeedInPieces(const std::vector<std::string>& pieces) {
  SseParser parser;
  std::vector<Got> got;
  for (const std::string& p : pieces) {
    parser.Feed(p, [&](const SseMessage& m) { got.push_back({m.event, m.id, m.data}); });
  }
  return got;
}

const std::vector<Got> kExpected = {
    {"", "58", R"({"zxid":58,"events":[{"path":"/load/k1","type":"data_changed","zxid":58}]})"},
    {"progress", "75", R"({"zxid":75})"},
    {"", "76", "no space after the colon\n two spaces, one is kept"},
    {"end", "", R"({"code":"WATCHER_TOO_SLOW","resume_since":80})"},
};

TEST(SseParser, WholeStream) { EXPECT_EQ(FeedInPieces({kStream}), kExpected); }

TEST(SseParser, SplitAtEveryByteBoundary) {
  for (size_t cut = 0; cut <= kStream.size(); ++cut) {
    EXPECT_EQ(FeedInPieces({kStream.substr(0, cut), kStream.substr(cut)}), kExpected) << "cut at " << cut;
  }
}

TEST(SseParser, OneByteAtATimeAndRandomPieces) {
  std::vector<std::string> bytes;
  for (char c : kStream) bytes.emplace_back(1, c);
  EXPECT_EQ(FeedInPieces(bytes), kExpected);

  std::mt19937_64 rng(11);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> pieces;
    for (size_t at = 0; at < kStream.size();) {
      const size_t n = std::min<size_t>(kStream.size() - at, rng() % 40);
      pieces.push_back(kStream.substr(at, n));  // empty pieces too
      at += n;
    }
    ASSERT_EQ(FeedInPieces(pieces), kExpected) << "round " << round;
  }
}

TEST(SseParser, TheIncompleteMessageComesWithItsBlankLine) {
  SseParser parser;
  std::vector<Got> got;
  auto collect = [&](const SseMessage& m) { got.push_back({m.event, m.id, m.data}); };
  parser.Feed(kStream, collect);
  ASSERT_EQ(got.size(), kExpected.size());
  parser.Feed("\n", collect);
  ASSERT_EQ(got.size(), kExpected.size() + 1);
  EXPECT_EQ(got.back(), (Got{"", "81", "{}"}));
}

TEST(SseParser, FieldsDoNotLeakIntoTheNextMessage) {
  EXPECT_EQ(FeedInPieces({"event: progress\nid: 1\ndata: a\n\ndata: b\n\n"}),
            (std::vector<Got>{{"progress", "1", "a"}, {"", "", "b"}}));
  // A field with no colon has an empty value; an empty first data line still joins with "\n".
  EXPECT_EQ(FeedInPieces({"data\ndata: x\n\n"}), (std::vector<Got>{{"", "", "\nx"}}));
}

}  // namespace
}  // namespace coord::loadgen
