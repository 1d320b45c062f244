#include "jepsen/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace coord::jepsen {

namespace {

std::string P(double v) {  // pixel coordinate: one decimal is plenty and keeps files small
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Round tick positions: steps of 1, 2 or 5 times a power of ten, about `target` of them.
std::vector<double> LinearTicks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!(hi > lo)) return {lo};
  double raw = (hi - lo) / target;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  }
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  }
  return ticks;
}

}  // namespace

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string FormatNumber(double v, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

SvgChart::SvgChart(int width, int height) : width_(width), height_(height) {}

void SvgChart::SetX(double lo, double hi) {
  x_lo_ = lo;
  x_hi_ = hi > lo ? hi : lo + 1;
}

void SvgChart::SetY(double lo, double hi, bool log) {
  y_log_ = log;
  y_lo_ = lo;
  y_hi_ = hi > lo ? hi : lo + 1;
}

double SvgChart::X(double v) const {
  return left() + (v - x_lo_) / (x_hi_ - x_lo_) * (right() - left());
}

double SvgChart::Y(double v) const {
  double f;
  if (y_log_) {
    v = std::max(v, y_lo_);
    f = (std::log10(v) - std::log10(y_lo_)) / (std::log10(y_hi_) - std::log10(y_lo_));
  } else {
    f = (v - y_lo_) / (y_hi_ - y_lo_);
  }
  return bottom() - std::clamp(f, 0.0, 1.0) * (bottom() - top());
}

void SvgChart::Shade(double x0, double x1, const std::string& label, const std::string& tooltip) {
  if (x1 < x_lo_ || x0 > x_hi_) return;  // entirely outside the chart
  double a = std::clamp(X(x0), left(), right()), b = std::clamp(X(x1), left(), right());
  if (b <= a) b = a + 1;
  shades_ += "<g class=\"fault\"><title>" + HtmlEscape(tooltip) + "</title><rect x=\"" + P(a) +
             "\" y=\"" + P(top()) + "\" width=\"" + P(b - a) + "\" height=\"" +
             P(bottom() - top()) + "\"/><text x=\"" + P(a + 3) + "\" y=\"" + P(top() + 11) +
             "\">" + HtmlEscape(label) + "</text></g>";
}

std::string SvgChart::Marker(double px, double py, int shape, const std::string& css_class,
                             double s) const {
  std::string c = css_class.empty() ? "" : " class=\"" + css_class + "\"";
  switch (shape) {
    case 1:
      return "<rect" + c + " x=\"" + P(px - s) + "\" y=\"" + P(py - s) + "\" width=\"" +
             P(2 * s) + "\" height=\"" + P(2 * s) + "\"/>";
    case 2:
      return "<path" + c + " d=\"M" + P(px) + " " + P(py - s * 1.2) + "L" + P(px + s * 1.1) +
             " " + P(py + s) + "H" + P(px - s * 1.1) + "Z\"/>";
    case 3:
      return "<path" + c + " d=\"M" + P(px) + " " + P(py - s * 1.3) + "L" + P(px + s * 1.3) +
             " " + P(py) + "L" + P(px) + " " + P(py + s * 1.3) + "L" + P(px - s * 1.3) + " " +
             P(py) + "Z\"/>";
    default:
      return "<circle" + c + " cx=\"" + P(px) + "\" cy=\"" + P(py) + "\" r=\"" + P(s) + "\"/>";
  }
}

void SvgChart::Point(double x, double y, int shape, const std::string& css_class) {
  marks_ += Marker(X(x), Y(y), shape, css_class, 2.0);
}

void SvgChart::Line(const std::vector<std::pair<double, double>>& points,
                    const std::string& css_class) {
  if (points.empty()) return;
  std::string d;
  for (size_t i = 0; i < points.size(); ++i) {
    d += (i ? "L" : "M") + P(X(points[i].first)) + " " + P(Y(points[i].second));
  }
  marks_ += "<path class=\"" + css_class + "\" d=\"" + d + "\"/>";
}

void SvgChart::Raw(const std::string& svg) { marks_ += svg; }

void SvgChart::AddLegend(const std::string& css_class, const std::string& label, int shape,
                         bool line) {
  legend_.push_back({css_class, label, shape, line});
}

std::string SvgChart::Render(const std::string& title, const std::string& x_label,
                             const std::string& y_label) const {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" +
                  std::to_string(width_) + "\" height=\"" + std::to_string(height_) +
                  "\" viewBox=\"0 0 " + std::to_string(width_) + " " + std::to_string(height_) +
                  "\">";
  s += "<text class=\"title\" x=\"" + P(left()) + "\" y=\"16\">" + HtmlEscape(title) + "</text>";
  double lx = left();
  for (const LegendEntry& e : legend_) {
    if (e.line) {
      s += "<path class=\"" + e.css_class + "\" d=\"M" + P(lx) + " 31H" + P(lx + 16) + "\"/>";
      lx += 20;
    } else {
      s += Marker(lx + 4, 31, e.shape, e.css_class, 3.5);
      lx += 12;
    }
    s += "<text class=\"legend\" x=\"" + P(lx) + "\" y=\"35\">" + HtmlEscape(e.label) + "</text>";
    lx += 7.0 * static_cast<double>(e.label.size()) + 16;
  }
  s += shades_;
  // Grid and ticks.
  s += "<g class=\"axis\">";
  for (double t : LinearTicks(x_lo_, x_hi_, 8)) {
    double x = X(t);
    s += "<path class=\"grid\" d=\"M" + P(x) + " " + P(top()) + "V" + P(bottom()) + "\"/>";
    s += "<text x=\"" + P(x) + "\" y=\"" + P(bottom() + 14) + "\" text-anchor=\"middle\">" +
         FormatNumber(t, 3) + "</text>";
  }
  std::vector<double> yt;
  if (y_log_ && y_ticks_) {
    for (double t = std::pow(10.0, std::ceil(std::log10(y_lo_) - 1e-9)); t <= y_hi_ * 1.0000001;
         t *= 10) {
      yt.push_back(t);
    }
  } else if (y_ticks_) {
    yt = LinearTicks(y_lo_, y_hi_, 5);
  }
  for (double t : yt) {
    double y = Y(t);
    s += "<path class=\"grid\" d=\"M" + P(left()) + " " + P(y) + "H" + P(right()) + "\"/>";
    s += "<text x=\"" + P(left() - 5) + "\" y=\"" + P(y + 4) + "\" text-anchor=\"end\">" +
         FormatNumber(t, 3) + "</text>";
  }
  s += "<path class=\"frame\" d=\"M" + P(left()) + " " + P(top()) + "V" + P(bottom()) + "H" +
       P(right()) + "\"/>";
  s += "<text x=\"" + P((left() + right()) / 2) + "\" y=\"" + P(height_ - 6.0) +
       "\" text-anchor=\"middle\">" + HtmlEscape(x_label) + "</text>";
  s += "<text transform=\"translate(14 " + P((top() + bottom()) / 2) +
       ") rotate(-90)\" text-anchor=\"middle\">" + HtmlEscape(y_label) + "</text>";
  s += "</g>";
  s += "<g class=\"marks\">" + marks_ + "</g></svg>";
  return s;
}

}  // namespace coord::jepsen
