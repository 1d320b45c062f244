#include "raft/transport/backoff.h"

#include <gtest/gtest.h>

namespace coord::raft::transport {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesWithJitterUpToTheCap) {
  Backoff backoff(milliseconds(100), milliseconds(1000), 42);
  const int64_t ceilings[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (int64_t ceiling : ceilings) {
    const int64_t d = backoff.Next().count();
    EXPECT_GE(d, ceiling / 2) << "ceiling " << ceiling;
    EXPECT_LE(d, ceiling) << "ceiling " << ceiling;
  }
}

TEST(Backoff, ResetStartsOver) {
  Backoff backoff(milliseconds(100), milliseconds(10000), 1);
  for (int i = 0; i < 10; ++i) backoff.Next();
  backoff.Reset();
  EXPECT_LE(backoff.Next().count(), 100);
}

TEST(Backoff, SameSeedSameDelaysDifferentSeedsDiffer) {
  Backoff a(milliseconds(1000), milliseconds(60000), 7);
  Backoff b(milliseconds(1000), milliseconds(60000), 7);
  Backoff c(milliseconds(1000), milliseconds(60000), 8);
  bool any_difference = false;
  for (int i = 0; i < 20; ++i) {
    const auto x = a.Next();
    EXPECT_EQ(x, b.Next());
    any_difference |= x != c.Next();
  }
  EXPECT_TRUE(any_difference);
}

TEST(Backoff, NeverOverflowsAfterManyFailures) {
  Backoff backoff(milliseconds(1), milliseconds(5000), 3);
  for (int i = 0; i < 10000; ++i) {
    const auto d = backoff.Next().count();
    ASSERT_GE(d, 0);
    ASSERT_LE(d, 5000);
  }
}

}  // namespace
}  // namespace coord::raft::transport
