// Percent-decoding and query parsing, as tables.
#include "api/http/query.h"

#include <gtest/gtest.h>

namespace coord::api::http {
namespace {

TEST(PercentDecodeTest, Table) {
  struct Case {
    std::string in;
    bool plus_is_space;
    bool ok;
    std::string out;
  };
  const Case cases[] = {
      {"", false, true, ""},
      {"abc", false, true, "abc"},
      {"a%20b", false, true, "a b"},
      {"%41%62%2F", false, true, "Ab/"},
      {"%e2%82%AC", false, true, "\xe2\x82\xac"},  // mixed-case hex
      {"a+b", false, true, "a+b"},                // '+' is literal in paths
      {"a+b", true, true, "a b"},                 // and a space in queries
      {"%2B", true, true, "+"},
      {"%00", false, true, std::string(1, '\0')},
      {"%", false, false, ""},
      {"%4", false, false, ""},
      {"abc%", false, false, ""},
      {"%zz", false, false, ""},
      {"%G1", false, false, ""},
      {"%1G", false, false, ""},
      {"ok%20then%", false, false, ""},
  };
  for (const Case& c : cases) {
    Result<std::string> r = PercentDecode(c.in, c.plus_is_space);
    EXPECT_EQ(r.ok(), c.ok) << "input: " << c.in;
    if (r.ok() && c.ok) {
      EXPECT_EQ(r.value(), c.out) << "input: " << c.in;
    }
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    }
  }
}

TEST(ParseQueryTest, KeysValuesRepeatsAndFlags) {
  Result<QueryParams> q = ParseQuery("a=1&b=x%20y&b=z&flag&empty=&plus=a+b&&=v");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->Get("a"), "1");
  EXPECT_EQ(q->Get("b"), "x y");
  ASSERT_EQ(q->GetAll("b").size(), 2u);
  EXPECT_EQ(q->GetAll("b")[1], "z");
  EXPECT_TRUE(q->Has("flag"));
  EXPECT_EQ(q->Get("flag"), "");
  EXPECT_EQ(q->Get("empty"), "");
  EXPECT_EQ(q->Get("plus"), "a b");
  EXPECT_EQ(q->Get(""), "v");
  EXPECT_FALSE(q->Has("missing"));
  EXPECT_EQ(q->size(), 7u);
}

TEST(ParseQueryTest, EmptyQuery) {
  Result<QueryParams> q = ParseQuery("");
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->empty());
}

TEST(ParseQueryTest, BadEscapesAreErrors) {
  for (const char* raw : {"a=%zz", "a=%4", "%=1", "k%g0=1", "a=1&b=%"}) {
    Result<QueryParams> q = ParseQuery(raw);
    EXPECT_FALSE(q.ok()) << raw;
  }
}

TEST(ParseQueryTest, DecodedKeyAndEncodedKeyAreOneKey) {
  Result<QueryParams> q = ParseQuery("%61=1&a=2");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->GetAll("a").size(), 2u);
}

}  // namespace
}  // namespace coord::api::http
