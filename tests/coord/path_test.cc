// Path rules (path.h): every rule accepted and rejected, by table.
#include "coord/path.h"

#include <gtest/gtest.h>

#include <string>

namespace coord::store {
namespace {

struct PathCase {
  std::string path;
  bool valid;
  const char* why;
};

TEST(PathTest, Rules) {
  const std::vector<PathCase> cases = {
      {"/", true, "root"},
      {"/a", true, "one component"},
      {"/a/b/c", true, "nested"},
      {"/a.b", true, "dot inside a name"},
      {"/...", true, "three dots is a name"},
      {"/.a", true, "leading dot"},
      {"/a-b_c~d", true, "punctuation"},
      {"/\xc3\xa9t\xc3\xa9", true, "two-byte UTF-8"},
      {"/\xe2\x82\xac", true, "three-byte UTF-8"},
      {"/\xf0\x9f\x98\x80", true, "four-byte UTF-8"},
      {"/a b", true, "space"},
      {"", false, "empty"},
      {"a", false, "relative"},
      {"a/b", false, "relative nested"},
      {"//", false, "empty component"},
      {"/a//b", false, "empty component inside"},
      {"/a/", false, "trailing slash"},
      {"/.", false, "dot component"},
      {"/..", false, "dotdot component"},
      {"/a/./b", false, "dot inside"},
      {"/a/../b", false, "dotdot inside"},
      {"/a/..", false, "dotdot last"},
      {std::string("/a\0b", 4), false, "NUL"},
      {"/a\x01", false, "C0 control"},
      {"/a\nb", false, "newline"},
      {"/a\x7f", false, "DEL"},
      {"/a\xc2\x80", false, "C1 control U+0080"},
      {"/a\xc2\x9f", false, "C1 control U+009F"},
      {"/\xc2\xa0", true, "U+00A0 is not a control"},
      {"/\xff", false, "invalid byte"},
      {"/\xc3", false, "truncated sequence"},
      {"/\xe2\x82", false, "truncated three-byte"},
      {"/\xc0\xaf", false, "overlong slash"},
      {"/\xe0\x80\xaf", false, "overlong three-byte"},
      {"/\xed\xa0\x80", false, "surrogate"},
      {"/\xf4\x90\x80\x80", false, "above U+10FFFF"},
      {"/\x80", false, "lone continuation byte"},
  };
  Options options;
  for (const PathCase& c : cases) {
    Status st = ValidatePath(c.path, options);
    EXPECT_EQ(st.ok(), c.valid) << c.why << ": " << st.ToString();
    if (!c.valid) {
      EXPECT_EQ(st.code(), Code::kInvalidPath) << c.why;
    }
  }
}

TEST(PathTest, LengthLimitIsInclusive) {
  Options options;
  options.max_path_bytes = 10;
  EXPECT_TRUE(ValidatePath("/123456789", options).ok());
  Status st = ValidatePath("/1234567890", options);
  EXPECT_EQ(st.code(), Code::kInvalidPath);
  EXPECT_NE(st.message().find("longer than 10"), std::string::npos) << st.message();
}

TEST(PathTest, SequentialPrefix) {
  Options options;
  EXPECT_TRUE(ValidateSequentialPrefix("/queue/", options).ok());  // ZooKeeper allows it
  EXPECT_TRUE(ValidateSequentialPrefix("/queue/item-", options).ok());
  EXPECT_TRUE(ValidateSequentialPrefix("/", options).ok());
  EXPECT_FALSE(ValidateSequentialPrefix("/a//", options).ok());
  EXPECT_FALSE(ValidateSequentialPrefix("/../", options).ok());
  options.max_path_bytes = 15;
  EXPECT_TRUE(ValidateSequentialPrefix("/abcd", options).ok());    // 5 + 10
  EXPECT_FALSE(ValidateSequentialPrefix("/abcde", options).ok());  // 6 + 10
}

TEST(PathTest, SequenceSuffix) {
  EXPECT_EQ(SequenceSuffix(0), "0000000000");
  EXPECT_EQ(SequenceSuffix(42), "0000000042");
  EXPECT_EQ(SequenceSuffix(2147483647), "2147483647");
  EXPECT_EQ(SequenceSuffix(-1), "-000000001");  // ZooKeeper's "%010d" after wrapping
}

TEST(PathTest, ParentAndName) {
  EXPECT_EQ(ParentPath("/"), "");
  EXPECT_EQ(BaseName("/"), "");
  EXPECT_EQ(ParentPath("/a"), "/");
  EXPECT_EQ(BaseName("/a"), "a");
  EXPECT_EQ(ParentPath("/a/bc"), "/a");
  EXPECT_EQ(BaseName("/a/bc"), "bc");
  EXPECT_EQ(ChildPath("/", "a"), "/a");
  EXPECT_EQ(ChildPath("/a", "b"), "/a/b");
}

TEST(PathTest, OrderGroupsChildrenAndPutsParentsFirst) {
  auto less = [](std::string_view a, std::string_view b) {
    return ComparePathKeys(PathKey::Of(a), PathKey::Of(b)) < 0;
  };
  EXPECT_TRUE(less("/", "/a"));
  EXPECT_TRUE(less("/a", "/a/b"));
  EXPECT_TRUE(less("/z", "/a/b"));  // all children of "/" before any grandchild
  EXPECT_TRUE(less("/a/b", "/a/c"));
  EXPECT_TRUE(less("/a0", "/a/b"));  // by parent first: "/" < "/a"
  EXPECT_FALSE(less("/a/b", "/a/b"));
}

}  // namespace
}  // namespace coord::store
