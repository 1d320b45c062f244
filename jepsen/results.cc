#include "jepsen/results.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace coord::jepsen {

namespace {

double Ms(int64_t ns) { return static_cast<double>(ns) / 1e6; }

Json LatencyJson(const LatencySummary& l) {
  Json j = Json::object();
  j["count"] = l.count;
  j["p50"] = Ms(l.p50);
  j["p90"] = Ms(l.p90);
  j["p99"] = Ms(l.p99);
  j["p999"] = Ms(l.p999);
  j["max"] = Ms(l.max);
  return j;
}

std::string Fixed(double v, int digits = 1) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

Verdict WorkloadResult::verdict() const {
  if (checks.empty()) return Verdict::kUnknown;
  Verdict v = Verdict::kValid;
  for (const CheckResult& c : checks) v = Combine(v, c.verdict);
  return v;
}

Verdict RunResults::verdict() const {
  if (workloads.empty()) return Verdict::kUnknown;
  Verdict v = Verdict::kValid;
  for (const WorkloadResult& w : workloads) v = Combine(v, w.verdict());
  return v;
}

Json OperationToJson(const PairedHistory& h, const Operation& op) {
  Json j = Json::object();
  j["index"] = op.index;
  j["process"] = op.process;
  j["f"] = op.f;
  if (op.key) j["key"] = *op.key;
  j["type"] = OpTypeName(op.type);
  j["value"] = op.input;
  j["output"] = op.output;
  if (op.error) j["error"] = *op.error;
  j["invoke_time"] = op.invoke_time;
  j["complete_time"] = op.complete_time ? Json(*op.complete_time) : Json();
  j["invoke_line"] = h.history[op.invoke_op].line;
  j["complete_line"] = op.complete_op ? Json(h.history[*op.complete_op].line) : Json();
  return j;
}

Json ResultsToJson(const RunResults& r) {
  Json j = Json::object();
  j["run"] = r.run;
  j["verdict"] = VerdictName(r.verdict());
  if (!r.run_info.is_null()) j["run_info"] = r.run_info;
  Json faults = Json::array();
  for (const FaultWindow& w : r.faults) {
    faults.push_back({{"fault", w.fault}, {"start", w.start},
                      {"stop", w.stop ? Json(*w.stop) : Json()}, {"detail", w.detail}});
  }
  j["faults"] = faults;
  Json workloads = Json::array();
  for (const WorkloadResult& w : r.workloads) {
    Json wj = Json::object();
    wj["workload"] = w.workload;
    wj["history"] = w.history_file;
    wj["verdict"] = VerdictName(w.verdict());
    wj["operations"] = w.stats.operations;
    wj["duration_s"] = static_cast<double>(w.stats.duration) / 1e9;
    Json counts = Json::object(), latency = Json::object();
    for (auto& [f, s] : w.stats.by_f) {
      counts[f] = {{"ok", s.ok}, {"fail", s.fail}, {"info", s.info}};
      if (s.ok_latency.count) latency[f] = LatencyJson(s.ok_latency);
    }
    wj["counts"] = counts;
    wj["latency_ms"] = latency;
    wj["warnings"] = w.warnings;
    Json checks = Json::array();
    for (const CheckResult& c : w.checks) {
      Json cj = Json::object();
      cj["checker"] = c.checker;
      cj["verdict"] = VerdictName(c.verdict);
      cj["message"] = c.message;
      cj["elapsed_ms"] = c.elapsed_ms;
      cj["details"] = c.details;
      Json anomalies = Json::array();
      for (const Anomaly& a : c.anomalies) {
        Json aj = Json::object();
        aj["kind"] = a.kind;
        aj["key"] = a.key;
        aj["message"] = a.message;
        aj["culprits"] = a.culprits;
        Json ops = Json::array();
        for (size_t i : a.ops) ops.push_back(OperationToJson(*w.history, w.history->operations[i]));
        aj["ops"] = ops;
        anomalies.push_back(aj);
      }
      cj["anomalies"] = anomalies;
      checks.push_back(cj);
    }
    wj["checks"] = checks;
    workloads.push_back(wj);
  }
  j["workloads"] = workloads;
  return j;
}

std::string ResultsToText(const RunResults& r) {
  std::ostringstream out;
  out << "run " << r.run << ": " << VerdictName(r.verdict()) << "\n";
  if (!r.faults.empty()) out << r.faults.size() << " fault windows\n";
  for (const WorkloadResult& w : r.workloads) {
    out << "\n== " << w.workload << " (" << w.history_file << "): " << VerdictName(w.verdict())
        << "\n";
    out << w.stats.operations << " operations over " << Fixed(static_cast<double>(w.stats.duration) / 1e9)
        << " s\n";
    out << Pad("f", 12) << Pad("ok", 9) << Pad("fail", 9) << Pad("info", 9)
        << "latency of ok ops, ms: p50 / p90 / p99 / max\n";
    for (auto& [f, s] : w.stats.by_f) {
      out << Pad(f, 12) << Pad(std::to_string(s.ok), 9) << Pad(std::to_string(s.fail), 9)
          << Pad(std::to_string(s.info), 9);
      if (s.ok_latency.count) {
        out << Fixed(Ms(s.ok_latency.p50), 2) << " / " << Fixed(Ms(s.ok_latency.p90), 2) << " / "
            << Fixed(Ms(s.ok_latency.p99), 2) << " / " << Fixed(Ms(s.ok_latency.max), 2);
      }
      out << "\n";
    }
    for (const std::string& warning : w.warnings) out << "warning: " << warning << "\n";
    for (const CheckResult& c : w.checks) {
      out << "checker " << c.checker << ": " << VerdictName(c.verdict) << " — " << c.message
          << " (" << Fixed(c.elapsed_ms) << " ms)\n";
      for (const Anomaly& a : c.anomalies) {
        out << "  [" << a.kind << "] " << a.message << "\n";
        for (size_t i : a.ops) {
          const Operation& op = w.history->operations[i];
          bool culprit = std::find(a.culprits.begin(), a.culprits.end(), i) != a.culprits.end();
          out << "    " << (culprit ? "* " : "  ") << "line "
              << w.history->history[op.invoke_op].line << " process " << op.process << " "
              << DescribeOperation(op) << " " << OpTypeName(op.type) << " ["
              << Fixed(static_cast<double>(op.invoke_time) / 1e9, 6) << " s, "
              << (op.complete_time ? Fixed(static_cast<double>(*op.complete_time) / 1e9, 6) + " s"
                                   : std::string("never"))
              << "]\n";
        }
      }
      if (c.details.contains("anomalies_total") &&
          c.details["anomalies_total"].get<size_t>() > c.anomalies.size()) {
        out << "  (" << c.details["anomalies_total"].get<size_t>() - c.anomalies.size()
            << " more anomalies not listed)\n";
      }
    }
  }
  return out.str();
}

}  // namespace coord::jepsen
