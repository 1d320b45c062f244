#include "jepsen/perf_plots.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "jepsen/svg_chart.h"

namespace coord::jepsen {

namespace {

double Sec(int64_t ns) { return static_cast<double>(ns) / 1e9; }

const char* TypeClass(OpType t) {
  switch (t) {
    case OpType::kOk: return "ok";
    case OpType::kFail: return "fail";
    default: return "info";
  }
}

void ShadeFaults(SvgChart& chart, const std::vector<FaultWindow>& faults, int64_t end) {
  for (const FaultWindow& w : faults) {
    std::string tip = w.fault + " from " + FormatNumber(Sec(w.start), 3) + " s to " +
                      (w.stop ? FormatNumber(Sec(*w.stop), 3) + " s" : "the end") +
                      (w.detail.is_null() ? "" : ": " + w.detail.dump());
    chart.Shade(Sec(w.start), Sec(w.stop_or(end)), w.fault, tip);
  }
}

}  // namespace

std::string RenderPerfPlots(const PairedHistory& h, const std::vector<FaultWindow>& faults) {
  if (h.operations.empty()) return "<p>No operations.</p>";
  double x_lo = std::min(0.0, Sec(h.start_time)), x_hi = Sec(h.end_time);
  std::map<std::string, std::vector<const Operation*>> by_f;
  for (const Operation& op : h.operations) by_f[op.f].push_back(&op);

  std::string html;
  for (auto& [f, ops] : by_f) {
    html += "<div class=\"plots\">";
    bool notifications = ops.front()->notification;
    // Latency scatter.
    if (!notifications) {
      std::map<OpType, std::vector<const Operation*>> measured;
      size_t open = 0;
      double lo = 1e300, hi = 0;
      for (const Operation* op : ops) {
        if (!op->complete_time) {
          ++open;
          continue;
        }
        measured[op->type].push_back(op);
        double ms = static_cast<double>(*op->latency()) / 1e6;
        if (ms > 0) lo = std::min(lo, ms);
        hi = std::max(hi, ms);
      }
      if (hi <= 0) hi = 1;
      if (lo > hi) lo = hi;
      lo = std::pow(10.0, std::floor(std::log10(lo)));
      hi = std::pow(10.0, std::ceil(std::log10(hi) + 1e-9));
      SvgChart chart(640, 250);
      chart.SetX(x_lo, x_hi);
      chart.SetY(lo, hi, /*log=*/true);
      ShadeFaults(chart, faults, h.end_time);
      size_t shown = 0, total = 0;
      // The most numerous series first, so the rare ones are drawn on top of it.
      std::vector<OpType> order = {OpType::kOk, OpType::kInfo, OpType::kFail};
      std::stable_sort(order.begin(), order.end(), [&](OpType a, OpType b) {
        return measured[a].size() > measured[b].size();
      });
      for (OpType t : order) {
        auto it = measured.find(t);
        if (it == measured.end() || it->second.empty()) continue;
        const auto& list = it->second;
        total += list.size();
        size_t stride = (list.size() + kMaxPoints - 1) / kMaxPoints;
        for (size_t i = 0; i < list.size(); i += stride) {
          chart.Point(Sec(list[i]->invoke_time), static_cast<double>(*list[i]->latency()) / 1e6,
                      0, TypeClass(t));
          ++shown;
        }
        chart.AddLegend(TypeClass(t), std::string(TypeClass(t)) + " (" +
                                          std::to_string(list.size()) + ")");
      }
      std::string title = f + " latency";
      if (shown < total) title += " (" + std::to_string(shown) + " of " + std::to_string(total) + " shown)";
      if (open) title += ", " + std::to_string(open) + " never completed";
      html += chart.Render(title, "time (s)", "latency (ms)");
    }
    // Throughput of completions.
    double span = std::max(x_hi - x_lo, 1e-3);
    size_t bins = std::clamp<size_t>(static_cast<size_t>(span * 2), 20, 200);
    double width = span / static_cast<double>(bins);
    std::map<OpType, std::vector<double>> rate;
    for (const Operation* op : ops) {
      if (!op->complete_time) continue;
      auto& r = rate[op->type];
      if (r.empty()) r.assign(bins, 0);
      size_t b = std::min(bins - 1, static_cast<size_t>((Sec(*op->complete_time) - x_lo) / width));
      r[b] += 1.0 / width;
    }
    double peak = 1;
    for (auto& [t, r] : rate) peak = std::max(peak, *std::max_element(r.begin(), r.end()));
    SvgChart chart(640, 250);
    chart.SetX(x_lo, x_hi);
    chart.SetY(0, peak * 1.1, /*log=*/false);
    ShadeFaults(chart, faults, h.end_time);
    for (OpType t : {OpType::kOk, OpType::kInfo, OpType::kFail}) {
      auto it = rate.find(t);
      if (it == rate.end()) continue;
      std::vector<std::pair<double, double>> pts;
      for (size_t b = 0; b < bins; ++b) {
        pts.push_back({x_lo + (static_cast<double>(b) + 0.5) * width, it->second[b]});
      }
      std::string cls = std::string("line ") + TypeClass(t);
      chart.Line(pts, cls);
      chart.AddLegend(cls, TypeClass(t), 0, /*line=*/true);
    }
    html += chart.Render(f + (notifications ? " notifications received" : " throughput") +
                             " (completions per second, " + FormatNumber(width, 3) + " s bins)",
                         "time (s)", "per second");
    html += "</div>";
  }
  return html;
}

}  // namespace coord::jepsen
