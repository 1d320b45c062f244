// Digest: 64-bit hashes the simulation uses to compare entries and whole state-machine
// histories cheaply. Not cryptographic: a collision would hide a divergence, and with 64 bits
// over a few thousand entries per run that chance is negligible.
#pragma once

#include <cstdint>
#include <string_view>

namespace coord::raft::sim {

// SplitMix64's finalizer: spreads every input bit over the output.
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Order-sensitive combination: Combine(a, b) != Combine(b, a) in general.
inline uint64_t Combine(uint64_t a, uint64_t b) {
  return Mix64(a * 0x9e3779b97f4a7c15ULL + Mix64(b + 0x632be59bd9b4e019ULL));
}

inline uint64_t DigestBytes(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then mixed
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return Mix64(h ^ bytes.size());
}

// Identity of one log entry's content (index, term, type and data together).
inline uint64_t EntryDigest(uint64_t index, uint64_t term, int type, std::string_view data) {
  return Combine(Combine(Combine(index, term), static_cast<uint64_t>(type)), DigestBytes(data));
}

// Deterministic seed derivation: a different stream for every (seed, purpose, a, b).
inline uint64_t DeriveSeed(uint64_t seed, uint64_t purpose, uint64_t a = 0, uint64_t b = 0) {
  return Combine(Combine(Combine(seed, purpose), a), b);
}

}  // namespace coord::raft::sim
