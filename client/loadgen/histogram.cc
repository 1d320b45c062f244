#include "client/loadgen/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace coord::loadgen {

// Values below 2^kSubBits map to themselves; above, (exponent, top kSubBits bits below the
// leading one) name the bucket.
int LatencyHistogram::Index(uint64_t v) {
  if (v < (uint64_t{1} << kSubBits)) return static_cast<int>(v);
  const int exponent = 63 - std::countl_zero(v);  // >= kSubBits
  const int shift = exponent - kSubBits;
  const int sub = static_cast<int>((v >> shift) & ((uint64_t{1} << kSubBits) - 1));
  return ((shift + 1) << kSubBits) + sub;
}

uint64_t LatencyHistogram::UpperBound(int index) {
  if (index < (1 << kSubBits)) return static_cast<uint64_t>(index);
  const int shift = (index >> kSubBits) - 1;
  const uint64_t sub = static_cast<uint64_t>(index & ((1 << kSubBits) - 1));
  const uint64_t base = ((uint64_t{1} << kSubBits) | sub) << shift;
  return base + ((uint64_t{1} << shift) - 1);
}

void LatencyHistogram::Record(uint64_t nanos) {
  ++counts_[static_cast<size_t>(Index(nanos))];
  ++count_;
  sum_ += nanos;
  max_ = std::max(max_, nanos);
  min_ = std::min(min_, nanos);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

uint64_t LatencyHistogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  if (q >= 1.0) return max_;
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(UpperBound(static_cast<int>(i)), max_);
  }
  return max_;
}

}  // namespace coord::loadgen
