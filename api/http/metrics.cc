#include "api/http/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace coord::api::http {
namespace {

[[noreturn]] void MetricsMisuse(std::string_view what, std::string_view name) {
  std::fprintf(stderr, "metrics invariant violated: %.*s (metric '%.*s')\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(name.size()),
               name.data());
  std::abort();
}

bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                       (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

std::string FormatDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, end);
}

void AppendEscaped(std::string& out, std::string_view v, bool is_help) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && !is_help) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `{a="x",b="y"}` plus an optional extra label (le for histogram buckets); "" when empty.
std::string RenderLabels(const Labels& labels, std::string_view extra_name = {},
                         std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    AppendEscaped(out, v, false);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
  return out;
}

const char* TypeName(int type) {
  switch (type) {
    case 0: return "counter";
    case 1: return "gauge";
    default: return "histogram";
  }
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  // Bucket i counts values in (bounds[i-1], bounds[i]]; Prometheus' `le` is inclusive.
  const size_t i = static_cast<size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::BucketCounts() const {
  std::vector<uint64_t> counts(bounds_.size() + 1);
  for (size_t i = 0; i < counts.size(); ++i) counts[i] = buckets_[i].load(std::memory_order_relaxed);
  return counts;
}

uint64_t Histogram::count() const {
  uint64_t total = 0;
  for (uint64_t c : BucketCounts()) total += c;
  return total;
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,     10};
}

MetricsRegistry::Series& MetricsRegistry::GetSeries(std::string_view name, std::string_view help,
                                                    Type type, const std::vector<double>* bounds,
                                                    Labels labels) {
  if (!ValidName(name, /*allow_colon=*/true)) MetricsMisuse("invalid metric name", name);
  std::sort(labels.begin(), labels.end());
  for (size_t i = 0; i < labels.size(); ++i) {
    if (!ValidName(labels[i].first, /*allow_colon=*/false) || labels[i].first == "le") {
      MetricsMisuse("invalid label name '" + labels[i].first + "'", name);
    }
    if (i > 0 && labels[i].first == labels[i - 1].first) {
      MetricsMisuse("duplicate label '" + labels[i].first + "'", name);
    }
  }

  auto it = families_.find(name);
  if (it == families_.end()) {
    Family family{type, std::string(help), bounds ? *bounds : std::vector<double>{}, {}};
    if (bounds) {
      for (size_t i = 1; i < bounds->size(); ++i) {
        if (!((*bounds)[i - 1] < (*bounds)[i])) MetricsMisuse("histogram bounds not increasing", name);
      }
    }
    it = families_.emplace(std::string(name), std::move(family)).first;
  }
  Family& family = it->second;
  if (family.type != type) MetricsMisuse("registered again with another type", name);
  if (bounds && family.bounds != *bounds) MetricsMisuse("registered again with other buckets", name);

  std::string key = RenderLabels(labels);
  auto sit = family.series.find(key);
  if (sit != family.series.end()) return sit->second;
  Series series;
  series.labels = std::move(labels);
  switch (type) {
    case Type::kCounter: series.counter = std::make_unique<Counter>(); break;
    case Type::kGauge: series.gauge = std::make_unique<Gauge>(); break;
    case Type::kHistogram: series.histogram = std::make_unique<Histogram>(family.bounds); break;
  }
  return family.series.emplace(std::move(key), std::move(series)).first->second;
}

Counter& MetricsRegistry::GetCounter(std::string_view name, std::string_view help, Labels labels) {
  std::lock_guard<std::mutex> lock(mu_);
  return *GetSeries(name, help, Type::kCounter, nullptr, std::move(labels)).counter;
}

Gauge& MetricsRegistry::GetGauge(std::string_view name, std::string_view help, Labels labels) {
  std::lock_guard<std::mutex> lock(mu_);
  return *GetSeries(name, help, Type::kGauge, nullptr, std::move(labels)).gauge;
}

Histogram& MetricsRegistry::GetHistogram(std::string_view name, std::string_view help,
                                         std::vector<double> bounds, Labels labels) {
  std::lock_guard<std::mutex> lock(mu_);
  return *GetSeries(name, help, Type::kHistogram, &bounds, std::move(labels)).histogram;
}

std::string MetricsRegistry::RenderText() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + ' ';
    AppendEscaped(out, family.help, /*is_help=*/true);
    out += "\n# TYPE " + name + ' ' + TypeName(static_cast<int>(family.type)) + '\n';
    for (const auto& [key, series] : family.series) {
      switch (family.type) {
        case Type::kCounter:
          out += name + key + ' ' + std::to_string(series.counter->value()) + '\n';
          break;
        case Type::kGauge:
          out += name + key + ' ' + FormatDouble(series.gauge->value()) + '\n';
          break;
        case Type::kHistogram: {
          const Histogram& h = *series.histogram;
          const std::vector<uint64_t> counts = h.BucketCounts();
          // _count is derived from the same bucket snapshot so that it always equals the
          // +Inf bucket, as Prometheus requires, even while observations race the scrape.
          uint64_t cumulative = 0;
          for (size_t i = 0; i < counts.size(); ++i) {
            cumulative += counts[i];
            const std::string le = i < h.bounds().size() ? FormatDouble(h.bounds()[i]) : "+Inf";
            out += name + "_bucket" + RenderLabels(series.labels, "le", le) + ' ' +
                   std::to_string(cumulative) + '\n';
          }
          out += name + "_sum" + key + ' ' + FormatDouble(h.sum()) + '\n';
          out += name + "_count" + key + ' ' + std::to_string(cumulative) + '\n';
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace coord::api::http
