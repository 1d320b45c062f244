#include "client/loadgen/probe_clock.h"

#include <gtest/gtest.h>

namespace coord::loadgen {
namespace {

using std::chrono::milliseconds;
using TimePoint = ProbeClock::TimePoint;

const TimePoint kStart{milliseconds(1000)};

TEST(ProbeClock, OnlyWritesSentInTheWindowCount) {
  ProbeClock clock;
  clock.Sending(kStart);  // before SetWindow: never counts
  clock.Answered(10);
  clock.SetWindow({kStart + milliseconds(100), kStart + milliseconds(200)});
  clock.Sending(kStart + milliseconds(50));  // the warmup
  clock.Answered(11);
  clock.Sending(kStart + milliseconds(150));
  clock.Answered(12);
  clock.Sending(kStart + milliseconds(200));  // the deadline itself is out
  clock.Answered(13);
  EXPECT_FALSE(clock.MeasuredSendTime(10));
  EXPECT_FALSE(clock.MeasuredSendTime(11));
  EXPECT_EQ(clock.MeasuredSendTime(12), kStart + milliseconds(150));
  EXPECT_FALSE(clock.MeasuredSendTime(13));
  EXPECT_EQ(clock.measured_writes(), 1u);
}

TEST(ProbeClock, AnEventAheadOfItsAnswerIsTheWriteInFlight) {
  ProbeClock clock;
  clock.SetWindow({kStart, kStart + milliseconds(1000)});
  clock.Sending(kStart + milliseconds(10));
  clock.Answered(20);
  clock.Sending(kStart + milliseconds(30));
  // A stream reads zxid 25 before the probe reads its answer.
  EXPECT_EQ(clock.MeasuredSendTime(25), kStart + milliseconds(30));
  EXPECT_FALSE(clock.MeasuredSendTime(19));  // not a probe write of this run
  clock.Answered(25);
  EXPECT_EQ(clock.MeasuredSendTime(25), kStart + milliseconds(30));
  EXPECT_EQ(clock.MeasuredSendTime(20), kStart + milliseconds(10));
  EXPECT_FALSE(clock.MeasuredSendTime(26));  // nothing in flight
}

TEST(ProbeClock, AFailedWriteIsNeverTakenForAnother) {
  ProbeClock clock;
  clock.SetWindow({kStart, kStart + milliseconds(1000)});
  clock.Sending(kStart + milliseconds(10));
  clock.Failed();
  EXPECT_FALSE(clock.MeasuredSendTime(30));
  EXPECT_EQ(clock.measured_writes(), 0u);
}

}  // namespace
}  // namespace coord::loadgen
