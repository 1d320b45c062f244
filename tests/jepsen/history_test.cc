// The history format: parsing (with line-numbered errors), writing, round trips, concurrent
// appends, and pairing invokes with completions.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "jepsen/history.h"
#include "jepsen/operation.h"

namespace coord::jepsen {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::path(::testing::TempDir()) / ("jepsen_" + name)).string();
}

Result<History> Parse(const std::string& text) {
  std::istringstream in(text);
  return ParseHistory(in, "h.jsonl");
}

// The example of history-format.md, verbatim.
constexpr char kFormatExample[] =
    R"({"process": 3, "type": "invoke", "f": "write", "key": "k1", "value": 17,      "time": 81234000}
{"process": 3, "type": "ok",     "f": "write", "key": "k1", "value": 17,      "time": 81990000}
{"process": 5, "type": "invoke", "f": "cas",   "key": "k1", "value": [17, 4], "time": 82000000}
{"process": 5, "type": "fail",   "f": "cas",   "key": "k1", "value": [17, 4], "time": 82500000}
{"process": 2, "type": "invoke", "f": "read",  "key": "k1", "value": null,    "time": 83000000}
{"process": 2, "type": "ok",     "f": "read",  "key": "k1", "value": 17,      "time": 83400000}
)";

TEST(HistoryTest, ParsesTheFormatDocumentExample) {
  Result<History> h = Parse(kFormatExample);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ASSERT_EQ(h->size(), 6u);
  const Op& cas = (*h)[2];
  EXPECT_EQ(cas.process, 5);
  EXPECT_EQ(cas.type, OpType::kInvoke);
  EXPECT_EQ(cas.f, "cas");
  EXPECT_EQ(cas.key, "k1");
  EXPECT_EQ(cas.value, Json::array({17, 4}));
  EXPECT_EQ(cas.time, 82000000);
  EXPECT_EQ(cas.line, 3u);
  EXPECT_TRUE((*h)[4].value.is_null());
  EXPECT_EQ((*h)[5].value, 17);
}

TEST(HistoryTest, WritesTheDocumentedFieldOrder) {
  Op op;
  op.process = 3;
  op.type = OpType::kInvoke;
  op.f = "write";
  op.key = "k1";
  op.value = 17;
  op.time = 81234000;
  EXPECT_EQ(OpToJson(op).dump(),
            R"({"process":3,"type":"invoke","f":"write","key":"k1","value":17,"time":81234000})");
  op.type = OpType::kInfo;
  op.error = "timeout";
  op.extra["node"] = "n2";
  EXPECT_EQ(OpToJson(op).dump(),
            R"({"process":3,"type":"info","f":"write","key":"k1","value":17,"time":81234000,)"
            R"("error":"timeout","node":"n2"})");
}

TEST(HistoryTest, MalformedLinesAreReportedWithTheirLineNumber) {
  struct Case {
    std::string text;
    std::string expected;  // substring of the error
  };
  const std::string good = R"({"process":1,"type":"invoke","f":"read","key":"k","value":null,"time":1})";
  std::vector<Case> cases = {
      {good + "\n" + good + "\n{\"process\": 1, \"type\": \"ok\"\n", "h.jsonl:3: not valid JSON"},
      {good + "\n\n" + R"({"type":"ok","f":"read","time":2})", "h.jsonl:3: missing \"process\""},
      {R"({"process":"one","type":"ok","f":"read","time":2})", "h.jsonl:1: \"process\" must be an integer"},
      {R"({"process":1,"type":"done","f":"read","time":2})", "h.jsonl:1: \"type\" must be one of"},
      {R"({"process":1,"type":"ok","f":"read","time":2.5})", "h.jsonl:1: \"time\" must be an integer"},
      {R"({"process":1,"type":"ok","time":2})", "h.jsonl:1: missing \"f\""},
      {R"({"process":1,"type":"ok","f":"read","key":7,"time":2})", "h.jsonl:1: \"key\" must be a string"},
      {R"({"process":1,"type":"ok","f":"read","error":5,"time":2})", "h.jsonl:1: \"error\" must be a string"},
      {"[1,2]", "h.jsonl:1: a history line must be a JSON object"},
  };
  for (const Case& c : cases) {
    Result<History> h = Parse(c.text);
    ASSERT_FALSE(h.ok()) << c.text;
    EXPECT_EQ(h.status().code(), raft::Status::Code::kInvalidArgument);
    EXPECT_NE(h.status().message().find(c.expected), std::string::npos)
        << "got: " << h.status().message() << "\nwanted: " << c.expected;
  }
}

TEST(HistoryTest, BlankLinesAreSkippedButCounted) {
  Result<History> h = Parse("\n" + std::string(R"({"process":1,"type":"invoke","f":"read","time":1})") + "\n  \n");
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ((*h)[0].line, 2u);
}

TEST(HistoryTest, RoundTripThroughAFileKeepsEveryField) {
  Result<History> original = Parse(std::string(kFormatExample) +
                                   R"({"process":9,"type":"info","f":"event","key":"/w","value":"resync","time":90000000,"zxid":77,"node":"n1"})" "\n");
  ASSERT_TRUE(original.ok());
  std::string path = TempPath("roundtrip.jsonl");
  HistoryWriter writer;
  ASSERT_TRUE(writer.Open(path).ok());
  for (const Op& op : *original) ASSERT_TRUE(writer.Append(op).ok());
  ASSERT_TRUE(writer.Close().ok());
  Result<History> back = ReadHistoryFile(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), original->size());
  for (size_t i = 0; i < back->size(); ++i) {
    EXPECT_EQ(OpToJson((*back)[i]).dump(), OpToJson((*original)[i]).dump()) << "line " << i + 1;
  }
  EXPECT_EQ(back->back().extra.dump(), R"({"zxid":77,"node":"n1"})");
  EXPECT_FALSE(writer.Append(original->front()).ok()) << "append after close must fail";
}

TEST(HistoryTest, ConcurrentAppendsNeverInterleaveLines) {
  std::string path = TempPath("concurrent.jsonl");
  HistoryWriter writer;
  ASSERT_TRUE(writer.Open(path).ok());
  constexpr int kThreads = 4, kOps = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kOps; ++i) {
        Op op;
        op.process = t;
        op.type = i % 2 ? OpType::kOk : OpType::kInvoke;
        op.f = "write";
        op.key = "key-with-some-length-" + std::to_string(t);
        op.value = i;
        op.time = i;
        EXPECT_TRUE(writer.Append(op).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(writer.Close().ok());
  Result<History> back = ReadHistoryFile(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->size(), static_cast<size_t>(kThreads * kOps));
  Result<PairedHistory> paired = PairHistory(std::move(back.value()));
  ASSERT_TRUE(paired.ok()) << paired.status().ToString();
  EXPECT_EQ(paired->operations.size(), static_cast<size_t>(kThreads * kOps / 2));
}

TEST(HistoryTest, MissingFileIsAnIOError) {
  Result<History> h = ReadHistoryFile(TempPath("does-not-exist.jsonl"));
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), raft::Status::Code::kIOError);
}

// ---- pairing ----

Result<PairedHistory> PairText(const std::string& text) {
  Result<History> h = Parse(text);
  EXPECT_TRUE(h.ok()) << h.status().ToString();
  return PairHistory(std::move(h.value()));
}

TEST(PairingTest, PairsPerProcessAndLeavesOpenOpsAsInfo) {
  Result<PairedHistory> p = PairText(
      R"({"process":1,"type":"invoke","f":"write","key":"k","value":1,"time":10}
{"process":2,"type":"invoke","f":"read","key":"k","value":null,"time":11}
{"process":1,"type":"ok","f":"write","key":"k","value":1,"time":12}
{"process":2,"type":"ok","f":"read","key":"k","value":1,"time":13}
{"process":3,"type":"invoke","f":"cas","key":"k","value":[1,2],"time":14}
{"process":4,"type":"invoke","f":"write","key":"k","value":5,"time":15}
{"process":4,"type":"info","f":"write","key":"k","value":5,"time":16,"error":"timeout"}
)");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->operations.size(), 4u);
  const Operation& w = p->operations[0];
  EXPECT_EQ(w.type, OpType::kOk);
  EXPECT_EQ(w.invoke_time, 10);
  EXPECT_EQ(*w.complete_time, 12);
  EXPECT_EQ(*w.latency(), 2);
  EXPECT_EQ(p->operations[1].output, 1);
  const Operation& open = p->operations[2];
  EXPECT_EQ(open.type, OpType::kInfo) << "a run ending with an op open counts it as info";
  EXPECT_FALSE(open.complete_time.has_value());
  EXPECT_EQ(open.end_time_or(99), 99);
  EXPECT_EQ(p->operations[3].type, OpType::kInfo);
  EXPECT_EQ(p->operations[3].error, "timeout");
  EXPECT_EQ(p->end_time, 16);
  EXPECT_TRUE(p->warnings.empty());
}

TEST(PairingTest, FormatViolationsNameTheLine) {
  struct Case {
    std::string text, expected;
  };
  std::vector<Case> cases = {
      {R"({"process":1,"type":"ok","f":"read","key":"k","value":1,"time":1})",
       "line 1: ok for process 1 with no open invoke"},
      {R"({"process":1,"type":"invoke","f":"read","key":"k","time":1}
{"process":1,"type":"invoke","f":"read","key":"k","time":2})",
       "line 2: process 1 invokes while its operation from line 1 is still open"},
      {R"({"process":1,"type":"invoke","f":"read","key":"k","time":1}
{"process":1,"type":"ok","f":"write","key":"k","value":1,"time":2})",
       "line 2: completion (write k) does not match its invoke at line 1 (read k)"},
  };
  for (const Case& c : cases) {
    Result<PairedHistory> p = PairText(c.text);
    ASSERT_FALSE(p.ok()) << c.text;
    EXPECT_NE(p.status().message().find(c.expected), std::string::npos) << p.status().message();
  }
}

TEST(PairingTest, ReusingAProcessAfterInfoIsOnlyAWarning) {
  Result<PairedHistory> p = PairText(
      R"({"process":1,"type":"invoke","f":"write","key":"k","value":1,"time":1}
{"process":1,"type":"info","f":"write","key":"k","value":1,"time":2}
{"process":1,"type":"invoke","f":"read","key":"k","value":null,"time":3}
{"process":1,"type":"ok","f":"read","key":"k","value":1,"time":4})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->operations.size(), 2u);
  ASSERT_EQ(p->warnings.size(), 1u);
  EXPECT_NE(p->warnings[0].find("line 3"), std::string::npos) << p->warnings[0];
}

TEST(PairingTest, NotificationsNeedNoInvoke) {
  Result<PairedHistory> p = PairText(
      R"({"process":7,"type":"invoke","f":"watch","key":"/w","value":null,"time":1}
{"process":7,"type":"ok","f":"event","key":"/w/a","value":"created","zxid":5,"time":2}
{"process":7,"type":"ok","f":"watch","key":"/w","value":null,"zxid":4,"time":3})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->operations.size(), 2u);
  const Operation& ev = p->operations[1];
  EXPECT_TRUE(ev.notification);
  EXPECT_EQ(ev.invoke_time, 2);
  EXPECT_EQ(*ev.complete_time, 2);
  EXPECT_EQ(p->completion_extra(ev, "zxid"), 5);
  EXPECT_EQ(p->completion_extra(p->operations[0], "zxid"), 4);
}

}  // namespace
}  // namespace coord::jepsen
