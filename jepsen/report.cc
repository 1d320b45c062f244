#include "jepsen/report.h"

#include <algorithm>

#include "jepsen/perf_plots.h"
#include "jepsen/svg_chart.h"
#include "jepsen/timeline.h"

namespace coord::jepsen {

namespace {

constexpr char kStyle[] = R"css(
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d2330;
       margin: 24px 32px; max-width: 1400px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px;
  border-bottom: 1px solid #d8dce3; padding-bottom: 4px; } h3 { font-size: 15px; margin: 20px 0 4px; }
table { border-collapse: collapse; margin: 8px 0 12px; }
td, th { border: 1px solid #d8dce3; padding: 3px 9px; text-align: left; vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { display: inline-block; padding: 1px 9px; border-radius: 10px; font-weight: 700;
  font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #fff; }
.verdict.valid { background: #2f8f4e; } .verdict.invalid { background: #c93c3c; }
.verdict.unknown { background: #b07d12; }
.muted { color: #667085; } pre { background: #f6f7f9; padding: 8px; overflow-x: auto; font-size: 12px; }
.warn { color: #9a5b00; }
.plots { display: flex; flex-wrap: wrap; gap: 8px; }
svg.chart { background: #fff; border: 1px solid #e3e6eb; }
svg text { font: 11px Helvetica, Arial, sans-serif; fill: #344054; }
svg text.title { font-size: 13px; font-weight: 600; fill: #1d2330; }
svg .grid { stroke: #eceef2; } svg .frame { stroke: #98a2b3; fill: none; }
svg .fault rect { fill: #e5484d; fill-opacity: .10; } svg .fault text { fill: #b4232a; font-size: 10px; }
svg .ok { fill: #2f6fd6; fill-opacity: .55; } svg .fail { fill: #d63c3c; fill-opacity: .8; }
svg .info { fill: #e5951c; fill-opacity: .85; }
svg path.line { fill: none; stroke-width: 1.6; } svg path.line.ok { stroke: #2f6fd6; }
svg path.line.fail { stroke: #d63c3c; } svg path.line.info { stroke: #e5951c; }
svg .op rect.ok, svg .op path.ok { fill-opacity: .35; stroke: #2f6fd6; }
svg .op rect.fail, svg .op path.fail { fill-opacity: .35; stroke: #d63c3c; }
svg .op rect.info, svg .op path.info { fill-opacity: .45; stroke: #c77a0a; }
svg .culprit { stroke: #111 !important; stroke-width: 2.5; }
svg path.pending { stroke: #e5951c; stroke-dasharray: 4 3; stroke-width: 1.5; }
svg text.label { font-size: 11px; fill: #111; } svg text.row { font-weight: 600; }
)css";

std::string Badge(Verdict v) {
  return std::string("<span class=\"verdict ") + VerdictName(v) + "\">" + VerdictName(v) +
         "</span>";
}

std::string Ms(int64_t ns) { return FormatNumber(static_cast<double>(ns) / 1e6, 2); }

std::string StatsTable(const HistoryStats& stats) {
  std::string s = "<table><tr><th>f</th><th>ok</th><th>fail</th><th>info</th>"
                  "<th>ok latency p50 ms</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>";
  for (auto& [f, st] : stats.by_f) {
    s += "<tr><td>" + HtmlEscape(f) + "</td><td class=n>" + std::to_string(st.ok) +
         "</td><td class=n>" + std::to_string(st.fail) + "</td><td class=n>" +
         std::to_string(st.info) + "</td>";
    const LatencySummary& l = st.ok_latency;
    if (l.count) {
      for (int64_t v : {l.p50, l.p90, l.p99, l.p999, l.max}) s += "<td class=n>" + Ms(v) + "</td>";
    } else {
      s += "<td colspan=5 class=muted>no latency</td>";
    }
    s += "</tr>";
  }
  return s + "</table>";
}

std::string OpsTable(const PairedHistory& h, const Anomaly& a) {
  std::string s = "<table><tr><th>lines</th><th>process</th><th>operation</th><th>type</th>"
                  "<th>invoke s</th><th>complete s</th><th>latency ms</th></tr>";
  for (size_t i : a.ops) {
    const Operation& op = h.operations[i];
    bool culprit = std::find(a.culprits.begin(), a.culprits.end(), i) != a.culprits.end();
    std::string lines = std::to_string(h.history[op.invoke_op].line);
    if (op.complete_op && *op.complete_op != op.invoke_op) {
      lines += "–" + std::to_string(h.history[*op.complete_op].line);
    }
    s += std::string("<tr") + (culprit ? " style=\"font-weight:600\"" : "") + "><td>" + lines +
         "</td><td class=n>" + std::to_string(op.process) + "</td><td>" +
         HtmlEscape(OperationLabel(h, op)) + (culprit ? " ◀" : "") + "</td><td>" +
         OpTypeName(op.type) + (op.error ? " (" + HtmlEscape(*op.error) + ")" : "") +
         "</td><td class=n>" + FormatNumber(static_cast<double>(op.invoke_time) / 1e9, 6) +
         "</td><td class=n>" +
         (op.complete_time ? FormatNumber(static_cast<double>(*op.complete_time) / 1e9, 6)
                           : std::string("never")) +
         "</td><td class=n>" + (op.latency() ? Ms(*op.latency()) : std::string("")) + "</td></tr>";
  }
  return s + "</table>";
}

}  // namespace

std::string RenderReport(const RunResults& r) {
  std::string s = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>coord "
                  "Jepsen run " + HtmlEscape(r.run) + "</title><style>" + kStyle +
                  "</style></head><body>";
  s += "<h1>coord Jepsen run " + HtmlEscape(r.run) + " " + Badge(r.verdict()) + "</h1>";
  s += "<p class=muted>Verdicts: <b>valid</b> — no violation found; <b>invalid</b> — at least "
       "one anomaly below; <b>unknown</b> — the checker ran out of budget or lacked the data "
       "to decide (not a pass).</p>";

  s += "<table><tr><th>workload</th><th>history</th><th>operations</th><th>checker</th>"
       "<th>verdict</th><th>why</th><th>check time</th></tr>";
  for (const WorkloadResult& w : r.workloads) {
    for (const CheckResult& c : w.checks) {
      s += "<tr><td><a href=\"#" + HtmlEscape(w.workload) + "\">" + HtmlEscape(w.workload) +
           "</a></td><td>" + HtmlEscape(w.history_file) + "</td><td class=n>" +
           std::to_string(w.stats.operations) + "</td><td>" + HtmlEscape(c.checker) +
           "</td><td>" + Badge(c.verdict) + "</td><td>" + HtmlEscape(c.message) +
           "</td><td class=n>" + FormatNumber(c.elapsed_ms, 1) + " ms</td></tr>";
    }
  }
  s += "</table>";

  if (!r.faults.empty()) {
    s += "<h3>Faults</h3><table><tr><th>fault</th><th>start s</th><th>stop s</th><th>detail</th></tr>";
    for (const FaultWindow& f : r.faults) {
      s += "<tr><td>" + HtmlEscape(f.fault) + "</td><td class=n>" +
           FormatNumber(static_cast<double>(f.start) / 1e9, 3) + "</td><td class=n>" +
           (f.stop ? FormatNumber(static_cast<double>(*f.stop) / 1e9, 3) : std::string("never")) +
           "</td><td>" + (f.detail.is_null() ? "" : HtmlEscape(f.detail.dump())) + "</td></tr>";
    }
    s += "</table>";
  } else {
    s += "<p class=muted>No nemesis log: no faults recorded.</p>";
  }
  if (!r.run_info.is_null()) {
    s += "<details><summary>run.json</summary><pre>" + HtmlEscape(r.run_info.dump(2)) +
         "</pre></details>";
  }
  if (!r.node_logs.empty()) {
    s += "<p>Node logs:";
    for (const std::string& log : r.node_logs) {
      s += " <a href=\"" + HtmlEscape(log) + "\">" + HtmlEscape(log) + "</a>";
    }
    s += "</p>";
  }

  for (const WorkloadResult& w : r.workloads) {
    s += "<h2 id=\"" + HtmlEscape(w.workload) + "\">" + HtmlEscape(w.workload) + " — " +
         HtmlEscape(w.history_file) + " " + Badge(w.verdict()) + "</h2>";
    s += "<p>" + std::to_string(w.stats.operations) + " operations over " +
         FormatNumber(static_cast<double>(w.stats.duration) / 1e9, 2) + " s.</p>";
    s += StatsTable(w.stats);
    for (const std::string& warning : w.warnings) {
      s += "<p class=warn>warning: " + HtmlEscape(warning) + "</p>";
    }
    s += RenderPerfPlots(*w.history, r.faults);
    for (const CheckResult& c : w.checks) {
      s += "<h3>checker " + HtmlEscape(c.checker) + " " + Badge(c.verdict) + "</h3><p>" +
           HtmlEscape(c.message) + "</p>";
      s += "<details><summary>details</summary><pre>" + HtmlEscape(c.details.dump(2)) +
           "</pre></details>";
      size_t total = c.details.value("anomalies_total", c.anomalies.size());
      for (size_t i = 0; i < c.anomalies.size(); ++i) {
        const Anomaly& a = c.anomalies[i];
        s += "<h3>anomaly " + std::to_string(i + 1) + " of " + std::to_string(total) + ": " +
             HtmlEscape(a.kind) + " — " + HtmlEscape(a.key) + "</h3><p>" +
             HtmlEscape(a.message) + "</p>";
        s += RenderTimeline(*w.history, a, r.faults);
        s += OpsTable(*w.history, a);
      }
      if (total > c.anomalies.size()) {
        s += "<p class=muted>" + std::to_string(total - c.anomalies.size()) +
             " more anomalies are counted but not drawn.</p>";
      }
    }
  }
  s += "</body></html>\n";
  return s;
}

}  // namespace coord::jepsen
