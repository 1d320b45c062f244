// SvgChart: just enough of a plotting library to draw the report's charts as inline SVG, so the
// report is one self-contained file that opens anywhere (no scripts, no fonts, no CDN).
//
// A chart has a plot area with a linear x axis and a linear or log10 y axis; callers add marks
// in data coordinates and Render() returns the <svg> element. Not thread-safe; build one per
// chart.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace coord::jepsen {

// Escapes &, <, >, " and ' for HTML text and attribute values (SVG included).
std::string HtmlEscape(const std::string& text);

// Fixed-point number with up to `digits` decimals, trailing zeros dropped ("12.5", "3").
std::string FormatNumber(double v, int digits = 2);

class SvgChart {
 public:
  SvgChart(int width, int height);

  // Data ranges; call before adding marks. Log y needs lo > 0.
  void SetX(double lo, double hi);
  void SetY(double lo, double hi, bool log);
  // No y ticks or grid (timelines label their rows themselves).
  void HideYTicks() { y_ticks_ = false; }

  // Data to pixel coordinates (log y clamps values below lo to the axis).
  double X(double v) const;
  double Y(double v) const;

  // A band over [x0, x1] spanning the plot height, with a label at the top and a tooltip.
  void Shade(double x0, double x1, const std::string& label, const std::string& tooltip);
  // A marker; `shape` is 0 circle, 1 square, 2 triangle, 3 diamond. No tooltip: charts with
  // 10^4 points would double in size.
  void Point(double x, double y, int shape, const std::string& css_class);
  void Line(const std::vector<std::pair<double, double>>& points, const std::string& css_class);
  // Raw SVG in pixel coordinates, for marks the helpers above do not cover.
  void Raw(const std::string& svg);
  // Legend entries drawn in a row under the title: (css class of a sample mark, label, shape).
  void AddLegend(const std::string& css_class, const std::string& label, int shape = 0,
                 bool line = false);

  std::string Render(const std::string& title, const std::string& x_label,
                     const std::string& y_label) const;

  // Plot-area edges in pixels.
  double left() const { return kLeft; }
  double right() const { return width_ - kRight; }
  double top() const { return kTop; }
  double bottom() const { return height_ - kBottom; }

 private:
  static constexpr double kLeft = 64, kRight = 16, kTop = 44, kBottom = 40;
  struct LegendEntry {
    std::string css_class, label;
    int shape;
    bool line;
  };

  std::string Marker(double px, double py, int shape, const std::string& css_class,
                     double size) const;

  int width_, height_;
  double x_lo_ = 0, x_hi_ = 1, y_lo_ = 0, y_hi_ = 1;
  bool y_log_ = false;
  bool y_ticks_ = true;
  std::string shades_, marks_;
  std::vector<LegendEntry> legend_;
};

}  // namespace coord::jepsen
