// The harness's small rules: which faults a --nemesis list names, what a write's answer means
// for the history, and how paths go into URLs.
#include <gtest/gtest.h>

#include "jepsen/harness/http_client.h"
#include "jepsen/harness/nemesis.h"
#include "jepsen/harness/workload.h"

namespace coord::jepsen::harness {
namespace {

TEST(ParseFaultsTest, AllNoneAndLists) {
  auto all = ParseFaults("all");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), KnownFaults().size());
  auto none = ParseFaults("none");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto two = ParseFaults("partition,kill");
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two, (std::set<std::string>{"kill", "partition"}));
}

TEST(ParseFaultsTest, UnknownFaultIsNamed) {
  auto bad = ParseFaults("partition,meteor");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("meteor"), std::string::npos) << bad.status().message();
}

HttpResult<HttpReply> Reply(int status, std::string body) { return HttpReply{status, std::move(body)}; }
HttpResult<HttpReply> Lost(bool maybe_delivered) { return HttpError{maybe_delivered, "timeout"}; }

TEST(ClassifyWriteTest, OnlyDefiniteAnswersAreOkOrFail) {
  EXPECT_EQ(ClassifyWrite(Reply(200, "{}")).type, OpType::kOk);
  // Refusals that the API documents as "not executed".
  EXPECT_EQ(ClassifyWrite(Reply(503, R"({"error":{"code":"NO_LEADER","message":"x"}})")).type, OpType::kFail);
  Outcome conflict = ClassifyWrite(Reply(409, R"({"error":{"code":"BAD_VERSION","message":"x"}})"));
  EXPECT_EQ(conflict.type, OpType::kFail);
  EXPECT_EQ(conflict.error, "BAD_VERSION");
  EXPECT_EQ(ClassifyWrite(Lost(false)).type, OpType::kFail);
  // Anything else may have taken effect.
  EXPECT_EQ(ClassifyWrite(Lost(true)).type, OpType::kInfo);
  EXPECT_EQ(ClassifyWrite(Reply(503, R"({"error":{"code":"TIMEOUT","message":"x"}})")).type, OpType::kInfo);
  EXPECT_EQ(ClassifyWrite(Reply(500, "not json")).type, OpType::kInfo);
}

TEST(EncodePathTest, KeepsSlashesAndEscapesTheRest) {
  EXPECT_EQ(EncodePath("/jepsen-set/e12"), "/jepsen-set/e12");
  EXPECT_EQ(EncodePath("/a b/ü?&"), "/a%20b/%C3%BC%3F%26");
}

}  // namespace
}  // namespace coord::jepsen::harness
