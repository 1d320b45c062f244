#include "api/service/keepalive_limiter.h"

#include <algorithm>

namespace coord::api::service {

KeepaliveLimiter::KeepaliveLimiter(double rate_per_second, double burst)
    : rate_(rate_per_second), burst_(std::max(1.0, burst)) {}

bool KeepaliveLimiter::Allow(uint64_t session, int64_t now_ms) {
  if (rate_ <= 0) return true;
  auto [it, fresh] = buckets_.try_emplace(session, Bucket{burst_, now_ms});
  Bucket& b = it->second;
  if (!fresh && now_ms > b.updated_ms) {
    b.tokens = std::min(burst_, b.tokens + rate_ * static_cast<double>(now_ms - b.updated_ms) / 1000.0);
  }
  b.updated_ms = std::max(b.updated_ms, now_ms);
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

void KeepaliveLimiter::Prune(int64_t now_ms) {
  if (rate_ <= 0) return;
  // A bucket untouched for the time it takes to refill completely is as good as new.
  const int64_t refill_ms = static_cast<int64_t>(burst_ / rate_ * 1000.0) + 1;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (now_ms - it->second.updated_ms > refill_ms) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace coord::api::service
