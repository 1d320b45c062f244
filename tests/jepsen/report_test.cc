// Results, report and run folder end to end: a run folder in, results.json / results.txt /
// report.html out, with the anomaly and the fault windows where they belong.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "jepsen/history.h"
#include "jepsen/nemesis_log.h"
#include "jepsen/report.h"
#include "jepsen/run_dir.h"
#include "tests/jepsen/history_builder.h"

namespace coord::jepsen {
namespace {

namespace fs = std::filesystem;
using testing::HistoryBuilder;
using testing::kMs;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteHistory(const fs::path& path, const History& h) {
  HistoryWriter w;
  ASSERT_TRUE(w.Open(path.string()).ok());
  for (const Op& op : h) ASSERT_TRUE(w.Append(op).ok());
  ASSERT_TRUE(w.Close().ok());
}

// A run folder with a register history holding one stale read on key "k2", a set history that
// is fine, a partition in the nemesis log and a node log.
fs::path MakeRun(const std::string& name) {
  fs::path dir = fs::path(::testing::TempDir()) / ("jepsen_run_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir / "nodes");
  HistoryBuilder reg;
  for (int i = 0; i < 200; ++i) {
    int64_t t = 10 * i;
    reg.Write(1, "k1", i, t, t + 3).Read(2, "k1", i, t + 4, t + 6);
  }
  reg.Write(3, "k2", 1, 100, 101).Write(3, "k2", 2, 102, 103).Read(4, "k2", 1, 104, 105);
  reg.Write(5, "k3", 9, 300, 400, OpType::kInfo);
  WriteHistory(dir / "history.register.jsonl", reg.history());
  HistoryBuilder set;
  set.Add(1, "add", std::nullopt, 1, 0, OpType::kOk, 1, 5 * kMs);
  set.Add(2, "read", std::nullopt, nullptr, 10 * kMs, OpType::kOk, Json::array({1}), 11 * kMs);
  WriteHistory(dir / "history.set.jsonl", set.history());
  NemesisLogWriter nemesis;
  EXPECT_TRUE(nemesis.Open((dir / "nemesis.jsonl").string()).ok());
  EXPECT_TRUE(nemesis.Append({500 * kMs, true, "partition", Json{{"isolated", "n3"}}}).ok());
  EXPECT_TRUE(nemesis.Append({900 * kMs, false, "partition", nullptr}).ok());
  EXPECT_TRUE(nemesis.Close().ok());
  std::ofstream(dir / "nodes" / "n1.log") << "ts=0 level=info event=start\n";
  std::ofstream(dir / "run.json") << R"({"nodes": 3, "seed": 42})";
  return dir;
}

TEST(RunDirTest, ChecksAFolderAndWritesResultsAndReport) {
  fs::path dir = MakeRun("e2e");
  Result<RunInput> input = ScanRunDir(dir.string());
  ASSERT_TRUE(input.ok()) << input.status().ToString();
  ASSERT_EQ(input->histories.size(), 2u);
  EXPECT_EQ(input->histories[0].workload, "register");
  EXPECT_EQ(input->histories[1].workload, "set");
  ASSERT_TRUE(input->nemesis_log.has_value());
  EXPECT_EQ(input->node_logs, std::vector<std::string>{"nodes/n1.log"});
  EXPECT_EQ(input->run_info["seed"], 42);

  Result<RunResults> results = CheckRun(*input, CheckOptions{});
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  EXPECT_EQ(results->verdict(), Verdict::kInvalid);
  ASSERT_TRUE(WriteRunOutputs(*results, dir.string()).ok());

  Json j = Json::parse(Slurp(dir / "results.json"));
  EXPECT_EQ(j["verdict"], "invalid");
  EXPECT_EQ(j["faults"][0]["fault"], "partition");
  const Json& reg = j["workloads"][0];
  EXPECT_EQ(reg["workload"], "register");
  EXPECT_EQ(reg["counts"]["write"]["ok"], 202);
  EXPECT_EQ(reg["counts"]["write"]["info"], 1);
  EXPECT_GT(reg["latency_ms"]["read"]["p50"].get<double>(), 0);
  const Json& check = reg["checks"][0];
  EXPECT_EQ(check["checker"], "linearizable");
  EXPECT_EQ(check["verdict"], "invalid");
  EXPECT_EQ(check["anomalies"][0]["key"], "k2");
  EXPECT_EQ(check["details"]["keys"]["k1"]["verdict"], "valid");
  EXPECT_EQ(check["details"]["keys"]["k3"]["verdict"], "valid");
  EXPECT_EQ(j["workloads"][1]["verdict"], "valid");

  std::string text = Slurp(dir / "results.txt");
  EXPECT_NE(text.find("run jepsen_run_e2e: invalid"), std::string::npos) << text;
  EXPECT_NE(text.find("[nonlinearizable] key k2"), std::string::npos) << text;

  std::string html = Slurp(dir / "report.html");
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("class=\"fault\""), std::string::npos) << "fault window shaded";
  EXPECT_NE(html.find("nonlinearizable: k2"), std::string::npos) << "anomaly timeline";
  EXPECT_NE(html.find("class=\"ok culprit\""), std::string::npos) << "culprit highlighted";
  EXPECT_NE(html.find("href=\"nodes/n1.log\""), std::string::npos);
  // Self-contained: nothing fetched from elsewhere.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
}

TEST(RunDirTest, FolderWithoutHistoryOrWithUnknownWorkloadIsAnError) {
  fs::path dir = fs::path(::testing::TempDir()) / "jepsen_run_empty";
  fs::remove_all(dir);
  fs::create_directories(dir);
  EXPECT_FALSE(ScanRunDir(dir.string()).ok());
  std::ofstream(dir / "history.bank.jsonl") << "";
  Result<RunInput> r = ScanRunDir(dir.string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown workload \"bank\""), std::string::npos);
}

TEST(RunDirTest, MalformedHistoryStopsTheCheckWithItsLine) {
  fs::path dir = fs::path(::testing::TempDir()) / "jepsen_run_malformed";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "history.register.jsonl")
      << R"({"process":1,"type":"invoke","f":"read","key":"k","time":1})" "\n{oops\n";
  Result<RunInput> input = ScanRunDir(dir.string());
  ASSERT_TRUE(input.ok());
  Result<RunResults> r = CheckRun(*input, CheckOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("history.register.jsonl:2"), std::string::npos)
      << r.status().message();
}

TEST(ReportTest, EscapesEverythingFromTheHistory) {
  HistoryBuilder b;
  b.Write(1, "<script>", 1, 0, 1).Write(1, "<script>", 2, 2, 3).Read(2, "<script>", 1, 4, 5);
  RunResults r;
  r.run = "x&y";
  WorkloadResult w;
  w.workload = "register";
  w.history_file = "history.register.jsonl";
  w.history = std::make_shared<const PairedHistory>(b.Build());
  w.stats = ComputeHistoryStats(*w.history);
  Result<CheckResult> c = CheckRegisterHistory(*w.history);
  ASSERT_TRUE(c.ok());
  w.checks.push_back(c.value());
  r.workloads.push_back(std::move(w));
  std::string html = RenderReport(r);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("x&amp;y"), std::string::npos);
}

}  // namespace
}  // namespace coord::jepsen
