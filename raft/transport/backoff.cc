#include "raft/transport/backoff.h"

#include <algorithm>

namespace coord::raft::transport {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, uint64_t seed)
    : initial_(initial), max_(max), rng_(seed) {}

std::chrono::milliseconds Backoff::Next() {
  // Double until the cap; stop counting there so the shift cannot overflow.
  int64_t ceiling = initial_.count();
  for (int i = 0; i < attempt_ && ceiling < max_.count(); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, max_.count());
  if (ceiling < max_.count()) ++attempt_;
  std::uniform_int_distribution<int64_t> jitter(ceiling - ceiling / 2, ceiling);
  return std::chrono::milliseconds(jitter(rng_));
}

}  // namespace coord::raft::transport
