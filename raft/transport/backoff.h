// Backoff: delays between reconnection attempts to one peer. Exponential from `initial`,
// doubling per failed attempt, capped at `max`, each delay drawn uniformly from [d/2, d] so
// that peers that lost each other at the same moment do not redial in lockstep.
//
// The jitter comes from a generator seeded by the caller (this is runtime code, but a seed
// makes a failing test reproducible). Not thread-safe: owned by one peer's strand.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace coord::raft::transport {

class Backoff {
 public:
  // REQUIRES: 0 < initial <= max.
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, uint64_t seed);

  // The delay before the next attempt; grows with each call until Reset().
  std::chrono::milliseconds Next();
  // After a successful connection: the next failure waits `initial` again.
  void Reset() { attempt_ = 0; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  int attempt_ = 0;  // doublings so far (stops growing at the cap)
  std::mt19937_64 rng_;
};

}  // namespace coord::raft::transport
