#include "client/loadgen/delivery_check.h"

#include <vector>

#include <gtest/gtest.h>

namespace coord::loadgen {
namespace {

StreamTally Read(const std::vector<uint64_t>& zxids, StreamTally::End end = StreamTally::End::kCaughtUp) {
  StreamTally t;
  t.end = end;
  t.fingerprint = kEmptyFingerprint;
  for (uint64_t z : zxids) {
    ++t.batches;
    t.fingerprint = FoldZxid(t.fingerprint, z);
  }
  return t;
}

std::map<std::string, uint64_t> Check(const std::vector<StreamTally>& tallies, uint64_t acknowledged) {
  std::map<std::string, uint64_t> errors;
  CheckDeliveries(tallies, acknowledged, &errors);
  return errors;
}

TEST(DeliveryCheck, IdenticalSequencesPass) {
  const StreamTally t = Read({5, 6, 9});
  EXPECT_TRUE(Check({t, t, t}, 3).empty());
  // More than acknowledged: a write whose answer was lost may still have been applied.
  EXPECT_TRUE(Check({t, t}, 2).empty());
}

TEST(DeliveryCheck, TheFingerprintDependsOnTheOrder) {
  EXPECT_NE(Read({5, 6}).fingerprint, Read({6, 5}).fingerprint);
  EXPECT_NE(Read({5, 6}).fingerprint, Read({5, 7}).fingerprint);
}

TEST(DeliveryCheck, StreamsThatDifferFromTheMostCommonOneAreCounted) {
  const StreamTally good = Read({5, 6, 9});
  const auto errors = Check({good, Read({5, 9, 6}), good, Read({5, 6, 10}), good}, 3);
  EXPECT_EQ(errors, (std::map<std::string, uint64_t>{{"watch_sequence_differs", 2}}));
}

TEST(DeliveryCheck, MissedEventsAreCountedPerStream) {
  const StreamTally all = Read({5, 6, 9});
  const auto errors = Check({all, Read({5, 9}), all, Read({9})}, 3);
  EXPECT_EQ(errors.at("watch_missed_events"), 3u);  // 1 + 2
  EXPECT_EQ(errors.at("watch_sequence_differs"), 2u);
  // Every stream missing the same write: they agree, but fewer than acknowledged.
  EXPECT_EQ(Check({Read({5, 9}), Read({5, 9})}, 3),
            (std::map<std::string, uint64_t>{{"watch_missed_events", 2}}));
}

TEST(DeliveryCheck, BehindStreamsAreErrorsAndFailedOnesAreLeftToTheirOwnKind) {
  const StreamTally all = Read({5, 6});
  const auto errors = Check({all, Read({5}, StreamTally::End::kBehind), Read({}, StreamTally::End::kFailed), all}, 2);
  EXPECT_EQ(errors, (std::map<std::string, uint64_t>{{"watchers_behind", 1}}));
}

}  // namespace
}  // namespace coord::loadgen
