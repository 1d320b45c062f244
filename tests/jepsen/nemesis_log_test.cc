// The nemesis log: parsing, writing, and pairing starts with stops into fault windows.
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "jepsen/nemesis_log.h"

namespace coord::jepsen {
namespace {

Result<std::vector<FaultEvent>> Parse(const std::string& text) {
  std::istringstream in(text);
  return ParseNemesisLog(in, "nemesis.jsonl");
}

TEST(NemesisLogTest, WindowsPairStartsWithStopsPerFault) {
  Result<std::vector<FaultEvent>> events = Parse(
      R"({"time": 100, "type": "start", "fault": "partition", "detail": {"groups": [[1,2],[3]]}}
{"time": 150, "type": "start", "fault": "kill", "detail": "n2"}
{"time": 200, "type": "stop", "fault": "partition", "detail": null}
{"time": 300, "type": "start", "fault": "partition"}
)");
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  Result<std::vector<FaultWindow>> w = FaultWindows(*events);
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w->size(), 3u);
  EXPECT_EQ((*w)[0].fault, "partition");
  EXPECT_EQ((*w)[0].start, 100);
  EXPECT_EQ((*w)[0].stop, 200);
  EXPECT_EQ((*w)[0].detail["groups"][1][0], 3);
  EXPECT_EQ((*w)[1].fault, "kill");
  EXPECT_FALSE((*w)[1].stop.has_value()) << "never stopped: lasts to the end";
  EXPECT_EQ((*w)[1].stop_or(999), 999);
  EXPECT_EQ((*w)[2].start, 300);
}

TEST(NemesisLogTest, MalformedLinesAndUnmatchedStops) {
  EXPECT_NE(Parse(R"({"time": 1, "type": "begin", "fault": "x"})").status().message().find("nemesis.jsonl:1:"),
            std::string::npos);
  EXPECT_FALSE(Parse(R"({"type": "start", "fault": "x"})").ok());
  EXPECT_FALSE(Parse(R"({"time": 1, "type": "start"})").ok());
  Result<std::vector<FaultEvent>> stray = Parse("\n" R"({"time": 1, "type": "stop", "fault": "x"})");
  ASSERT_TRUE(stray.ok());
  Result<std::vector<FaultWindow>> w = FaultWindows(*stray);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("line 2"), std::string::npos) << w.status().message();
}

TEST(NemesisLogTest, WriterRoundTrip) {
  std::string path = (std::filesystem::path(::testing::TempDir()) / "jepsen_nemesis.jsonl").string();
  NemesisLogWriter writer;
  ASSERT_TRUE(writer.Open(path).ok());
  ASSERT_TRUE(writer.Append({5, true, "partition", Json{{"groups", "majority"}}}).ok());
  ASSERT_TRUE(writer.Append({9, false, "partition", nullptr}).ok());
  ASSERT_TRUE(writer.Close().ok());
  Result<std::vector<FaultEvent>> back = ReadNemesisLogFile(path);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ(FaultEventToJson((*back)[0]).dump(),
            R"({"time":5,"type":"start","fault":"partition","detail":{"groups":"majority"}})");
  EXPECT_FALSE((*back)[1].start);
}

}  // namespace
}  // namespace coord::jepsen
