// LatencyHistogram: an HDR-style log-linear histogram of durations in nanoseconds. Values are
// bucketed by their power of two and, within it, by 64 linear sub-buckets, so every recorded
// value is reported within 1/64 (1.6%) of itself, from 1 ns to hours, in a fixed array of
// 3,776 counters (30 KB).
//
// Thread-safety: none; one per connection, merged at the end.
#pragma once

#include <array>
#include <cstdint>

namespace coord::loadgen {

class LatencyHistogram {
 public:
  void Record(uint64_t nanos);
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  double mean() const { return count_ == 0 ? 0 : static_cast<double>(sum_) / static_cast<double>(count_); }
  // The smallest bucket value v such that at least q (0..1] of the values are <= v (q = 1:
  // the exact maximum). 0 when empty.
  uint64_t Percentile(double q) const;

 private:
  static constexpr int kSubBits = 6;  // 64 sub-buckets per power of two
  static constexpr int kBuckets = (64 - kSubBits + 1) << kSubBits;
  static int Index(uint64_t v);
  static uint64_t UpperBound(int index);

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
  uint64_t min_ = UINT64_MAX;
};

}  // namespace coord::loadgen
