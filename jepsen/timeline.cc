#include "jepsen/timeline.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "jepsen/svg_chart.h"

namespace coord::jepsen {

namespace {

std::string P(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

const char* TypeClass(OpType t) {
  switch (t) {
    case OpType::kOk: return "ok";
    case OpType::kFail: return "fail";
    default: return "info";
  }
}

}  // namespace

std::string OperationLabel(const PairedHistory& h, const Operation& op) {
  std::string label = DescribeOperation(op);
  const Json& z = h.completion_extra(op, "zxid");
  if (z.is_number_integer()) label += " @" + std::to_string(z.get<int64_t>());
  return label;
}

std::string RenderTimeline(const PairedHistory& h, const Anomaly& a,
                           const std::vector<FaultWindow>& faults) {
  if (a.ops.empty()) return "";
  int64_t t0 = INT64_MAX, t1 = INT64_MIN;
  std::map<int64_t, int> rows;
  for (size_t i : a.ops) {
    const Operation& op = h.operations[i];
    t0 = std::min(t0, op.invoke_time);
    t1 = std::max(t1, op.complete_time.value_or(op.invoke_time));
    rows[op.process] = 0;
  }
  int64_t pad = std::max<int64_t>((t1 - t0) / 12, 1'000'000);
  int64_t lo = t0 - pad, hi = t1 + pad;
  int n = 0;
  for (auto& [p, r] : rows) r = n++;
  const double row_h = 30;
  SvgChart chart(1280, static_cast<int>(44 + 40 + row_h * n + 10));
  auto ms = [&](int64_t t) { return static_cast<double>(t - t0) / 1e6; };
  chart.SetX(ms(lo), ms(hi));
  chart.SetY(0, n, false);
  chart.HideYTicks();
  for (const FaultWindow& w : faults) {
    if (w.stop_or(hi) < lo || w.start > hi) continue;
    chart.Shade(ms(std::max(w.start, lo)), ms(std::min(w.stop_or(hi), hi)), w.fault,
                w.fault + (w.detail.is_null() ? "" : ": " + w.detail.dump()));
  }
  std::string svg;
  for (auto& [p, r] : rows) {
    double y = chart.top() + 6 + row_h * r;
    svg += "<text class=\"row\" x=\"" + P(chart.left() - 6) + "\" y=\"" + P(y + 15) +
           "\" text-anchor=\"end\">p" + std::to_string(p) + "</text>";
  }
  for (size_t i : a.ops) {
    const Operation& op = h.operations[i];
    bool culprit = std::find(a.culprits.begin(), a.culprits.end(), i) != a.culprits.end();
    double y = chart.top() + 6 + row_h * rows[op.process];
    double x0 = chart.X(ms(op.invoke_time));
    double x1 = chart.X(ms(op.complete_time.value_or(hi)));
    std::string cls = std::string(TypeClass(op.type)) + (culprit ? " culprit" : "");
    std::string tip = "line " + std::to_string(h.history[op.invoke_op].line) +
                      (op.complete_op && *op.complete_op != op.invoke_op
                           ? "-" + std::to_string(h.history[*op.complete_op].line) : "") +
                      ", process " + std::to_string(op.process) + ": " + OperationLabel(h, op) +
                      " " + OpTypeName(op.type) + (op.error ? " (" + *op.error + ")" : "") +
                      ", invoked " + FormatNumber(ms(op.invoke_time), 3) + " ms" +
                      (op.complete_time ? ", completed " + FormatNumber(ms(*op.complete_time), 3) + " ms"
                                        : ", never completed");
    svg += "<g class=\"op\"><title>" + HtmlEscape(tip) + "</title>";
    std::string label = HtmlEscape(OperationLabel(h, op) + (op.type == OpType::kOk ? "" : std::string(" ") + OpTypeName(op.type)));
    if (op.notification) {
      svg += "<path class=\"" + cls + "\" d=\"M" + P(x0) + " " + P(y + 1) + "L" + P(x0 + 8) + " " +
             P(y + 10) + "L" + P(x0) + " " + P(y + 19) + "L" + P(x0 - 8) + " " + P(y + 10) + "Z\"/>";
      bool fits = x0 + 11 + 6.5 * static_cast<double>(label.size()) <= chart.right();
      svg += "<text class=\"label\" x=\"" + P(fits ? x0 + 11 : x0 - 11) + "\" y=\"" + P(y + 14) +
             "\"" + (fits ? "" : " text-anchor=\"end\"") + ">" + label + "</text>";
    } else {
      if (op.type == OpType::kInfo) {
        // Its effect may land at any time after the invoke: continue it to the edge.
        svg += "<path class=\"pending\" d=\"M" + P(x1) + " " + P(y + 10) + "H" +
               P(chart.right()) + "\"/>";
      }
      double w = std::max(x1 - x0, 3.0);
      svg += "<rect class=\"" + cls + "\" x=\"" + P(x0) + "\" y=\"" + P(y + 1) + "\" width=\"" +
             P(w) + "\" height=\"18\" rx=\"3\"/>";
      // Inside the bar when it fits (about 6.5 px per character), else just after it.
      double text_w = 6.5 * static_cast<double>(label.size());
      std::string anchor;
      double tx = x0 + 4;
      if (w < text_w + 8) {
        tx = x0 + w + 4;
        if (tx + text_w > chart.right()) tx = x0 - 4, anchor = " text-anchor=\"end\"";
      }
      svg += "<text class=\"label\" x=\"" + P(tx) + "\" y=\"" + P(y + 14) + "\"" + anchor +
             ">" + label + "</text>";
    }
    svg += "</g>";
  }
  chart.Raw(svg);
  chart.AddLegend("ok", "ok", 1);
  chart.AddLegend("fail", "fail", 1);
  chart.AddLegend("info", "info (may take effect later)", 1);
  chart.AddLegend("ok culprit", "cannot be explained", 1);
  char start[64];
  std::snprintf(start, sizeof start, "%.6f s", static_cast<double>(t0) / 1e9);
  return chart.Render(a.kind + ": " + a.key, std::string("ms since ") + start, "");
}

}  // namespace coord::jepsen
