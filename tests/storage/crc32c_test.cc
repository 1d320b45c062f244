#include "raft/storage/crc32c.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace coord::raft {
namespace {

// Test vectors from RFC 3720 (iSCSI), appendix B.4.
TEST(Crc32c, MatchesRfc3720Vectors) {
  EXPECT_EQ(crc32c::Value(std::string(32, '\0')), 0x8a9136aau);
  EXPECT_EQ(crc32c::Value(std::string(32, '\xff')), 0x62a8ab43u);
  std::string ascending(32, '\0');
  for (int i = 0; i < 32; ++i) ascending[i] = static_cast<char>(i);
  EXPECT_EQ(crc32c::Value(ascending), 0x46dd794eu);
  EXPECT_EQ(crc32c::Value("123456789"), 0xe3069283u);
}

TEST(Crc32c, ExtendIsConcatenation) {
  const std::string a = "hello, ", b = "raft log";
  EXPECT_EQ(crc32c::Extend(crc32c::Value(a), b), crc32c::Value(a + b));
  EXPECT_EQ(crc32c::Extend(crc32c::Value(""), a), crc32c::Value(a));
}

TEST(Crc32c, HardwareAndTableAgreeOnEveryLengthAndAlignment) {
  std::mt19937_64 rng(7);
  std::string data(300, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  for (size_t offset = 0; offset < 9; ++offset) {
    for (size_t n = 0; n + offset <= data.size(); n += 7) {
      ASSERT_EQ(crc32c::Extend(0x1234, data.data() + offset, n),
                crc32c::ExtendPortable(0x1234, data.data() + offset, n))
          << "offset " << offset << " length " << n;
    }
  }
}

TEST(Crc32c, DetectsASingleFlippedBit) {
  std::string data(1000, 'x');
  const uint32_t before = crc32c::Value(data);
  data[500] ^= 0x08;
  EXPECT_NE(crc32c::Value(data), before);
}

}  // namespace
}  // namespace coord::raft
