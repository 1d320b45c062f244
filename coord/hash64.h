// Hash64: a streaming, non-cryptographic 64-bit hash (one xxHash64-style lane) for state
// digests and snapshot checksums. It catches accidental corruption and divergence; it is no
// defence against someone crafting collisions. The result depends only on the bytes fed, not
// on how they were split across Update calls. Not thread-safe; cheap to copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace coord::store {

class Hash64 {
 public:
  explicit Hash64(uint64_t seed = 0) : acc_(seed + kPrime5) {}

  void Update(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    total_ += n;
    if (buffered_ > 0) {
      size_t take = n < 8 - buffered_ ? n : 8 - buffered_;
      std::memcpy(buf_ + buffered_, p, take);
      buffered_ += take;
      p += take;
      n -= take;
      if (buffered_ < 8) return;
      Mix(Load(buf_));
      buffered_ = 0;
    }
    for (; n >= 8; p += 8, n -= 8) Mix(Load(p));
    std::memcpy(buf_, p, n);
    buffered_ = n;
  }
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  // Fixed-width integers, little-endian, so that field boundaries are unambiguous.
  void U64(uint64_t v) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
    Update(b, 8);
  }
  // A length-prefixed string: "ab"+"c" and "a"+"bc" hash differently.
  void Str(std::string_view s) {
    U64(s.size());
    Update(s);
  }

  uint64_t Finish() const {
    uint64_t h = acc_ ^ (total_ * kPrime1);
    for (size_t i = 0; i < buffered_; ++i) {
      h ^= buf_[i] * kPrime5;
      h = Rotl(h, 11) * kPrime1;
    }
    h ^= h >> 33;
    h *= kPrime2;
    h ^= h >> 29;
    h *= kPrime3;
    h ^= h >> 32;
    return h;
  }

 private:
  static constexpr uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
  static constexpr uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
  static constexpr uint64_t kPrime3 = 0x165667B19E3779F9ULL;
  static constexpr uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;

  static uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
  static uint64_t Load(const unsigned char* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
  }
  void Mix(uint64_t lane) {
    acc_ += lane * kPrime2;
    acc_ = Rotl(acc_, 31);
    acc_ *= kPrime1;
  }

  uint64_t acc_;
  uint64_t total_ = 0;
  unsigned char buf_[8] = {};
  size_t buffered_ = 0;
};

}  // namespace coord::store
