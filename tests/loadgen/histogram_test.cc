#include "client/loadgen/histogram.h"

#include <algorithm>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace coord::loadgen {
namespace {

TEST(LatencyHistogram, PercentilesAreWithinTheBucketPrecisionOfTheExactOnes) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(13.0, 1.5);  // around 0.5 ms, long tail
  std::vector<uint64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 100'000; ++i) {
    const auto v = static_cast<uint64_t>(dist(rng));
    values.push_back(v);
    h.Record(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const uint64_t exact = values[static_cast<size_t>(q * values.size()) - 1];
    const double got = static_cast<double>(h.Percentile(q));
    EXPECT_GE(got, static_cast<double>(exact) * 0.98) << "q=" << q;
    EXPECT_LE(got, static_cast<double>(exact) * 1.02) << "q=" << q;
  }
  EXPECT_EQ(h.Percentile(1.0), values.back());
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.count(), values.size());
}

TEST(LatencyHistogram, SmallValuesAreExactAndMergeAddsCounts) {
  LatencyHistogram a, b;
  for (uint64_t v = 0; v < 64; ++v) a.Record(v);
  b.Record(1'000'000'000'000ull);
  a.Merge(b);
  EXPECT_EQ(a.count(), 65u);
  EXPECT_EQ(a.Percentile(0.5), 32u);
  EXPECT_EQ(a.max(), 1'000'000'000'000ull);
  EXPECT_EQ(LatencyHistogram().Percentile(0.5), 0u);
}

}  // namespace
}  // namespace coord::loadgen
