// KeepaliveLimiter: the per-session keepalive rate limit the leader enforces.
//
// One token bucket per session: `rate` tokens per second, at most `burst` stored; a keepalive
// takes one token or is refused (429 RATE_LIMITED). The leader is the right place because it
// sees every keepalive of a session, whichever node the client talks to. A refused keepalive
// does not refresh the session, so a client that hammers the API cannot keep its session
// alive for less work than a well-behaved one.
//
// Pure (times are passed in, ms) and not thread-safe: owned by LeaderDuties under its mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace coord::api::service {

class KeepaliveLimiter {
 public:
  // rate <= 0 disables the limit. burst is at least 1.
  KeepaliveLimiter(double rate_per_second, double burst);

  // Takes a token for `session` at `now_ms`; false if its bucket is empty.
  bool Allow(uint64_t session, int64_t now_ms);
  // Drops buckets that have been full for a while (their sessions idle or gone).
  void Prune(int64_t now_ms);
  void Clear() { buckets_.clear(); }
  size_t size() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    int64_t updated_ms;
  };
  const double rate_;
  const double burst_;
  std::unordered_map<uint64_t, Bucket> buckets_;
};

}  // namespace coord::api::service
