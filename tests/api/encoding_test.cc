// Table tests of the text encodings of the API: base64 (strict, canonical) and UTF-8
// validation.
#include <gtest/gtest.h>

#include "api/service/base64.h"
#include "api/service/utf8.h"

namespace coord::api::service {
namespace {

TEST(Base64, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    bytes.push_back(static_cast<char>(i * 37));
    const std::string enc = Base64Encode(bytes);
    EXPECT_EQ(enc.size() % 4, 0u);
    std::optional<std::string> dec = Base64Decode(enc);
    ASSERT_TRUE(dec.has_value()) << enc;
    EXPECT_EQ(*dec, bytes);
  }
}

TEST(Base64, KnownVectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, enc] : vectors) {
    EXPECT_EQ(Base64Encode(plain), enc);
    EXPECT_EQ(Base64Decode(enc), std::string(plain));
  }
}

TEST(Base64, RefusesEverythingNonCanonical) {
  for (const char* bad : {"Zg=", "Zg", "Z===", "Zg==Zg==", "Zm9v!", "Zm 9v", "Zh==", "Zm9=", "====",
                          "Zg=a", "\xff\xff\xff\xff", "Zm9vYg=\n"}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
}

TEST(Utf8, AcceptsValidText) {
  for (const char* ok : {"", "ascii", "h\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xef\xbf\xbf",
                         "\xf4\x8f\xbf\xbf"}) {
    EXPECT_TRUE(IsValidUtf8(ok)) << ok;
  }
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));
}

TEST(Utf8, ReportsTheFirstInvalidByte) {
  const std::pair<std::string, size_t> cases[] = {
      {"\xff", 0},
      {"ab\x80", 2},             // lone continuation byte
      {"a\xc3", 1},              // truncated sequence
      {"\xc0\xaf", 0},           // overlong '/'
      {"\xe0\x80\xaf", 0},       // overlong, 3 bytes
      {"x\xed\xa0\x80", 1},      // surrogate U+D800
      {"\xf4\x90\x80\x80", 0},   // above U+10FFFF
      {"\xf8\x88\x80\x80\x80", 0},
      {"ok\xe2\x82", 2},
  };
  for (const auto& [text, offset] : cases) {
    std::optional<size_t> bad = FindInvalidUtf8(text);
    ASSERT_TRUE(bad.has_value()) << text;
    EXPECT_EQ(*bad, offset) << text;
  }
}

}  // namespace
}  // namespace coord::api::service
