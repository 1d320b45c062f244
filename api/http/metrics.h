// A small metrics registry rendering the Prometheus text exposition format (version 0.0.4).
//
// Counters, gauges and fixed-bucket histograms, each identified by a family name plus a label
// set. Any module may register its own metrics in the same registry; the HTTP server records
// its request counts and latencies here, and AddMetricsRoute() serves the text.
//
// Thread-safety: everything is safe from any thread. Registration (Get*) takes the registry
// mutex; the returned references stay valid for the registry's lifetime, so hot paths look a
// metric up once and then update it lock-free (atomics). RenderText() takes the mutex and
// reads the atomics, so a scrape concurrent with updates sees each value at some recent
// point, not one consistent cut across metrics.
//
// Misuse that is a programming error (an invalid name, one name registered as two types or a
// histogram with two bucket layouts) stops the process with a message naming the metric.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coord::api::http {

// Label name/value pairs; order does not matter (they are sorted by name).
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds` are the upper bounds of the buckets, strictly increasing; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);

  void Observe(double value);

  const std::vector<double>& bounds() const { return bounds_; }
  // Per-bucket (not cumulative) counts; the last element is the +Inf bucket.
  std::vector<uint64_t> BucketCounts() const;
  uint64_t count() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// Latency buckets in seconds, from 100 µs to 10 s: fine enough for loopback requests and
// wide enough for a Raft commit on a slow disk.
std::vector<double> DefaultLatencyBuckets();

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Returns the metric named `name` with `labels`, creating it (and its family, with `help`)
  // on first use. Names follow [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*.
  Counter& GetCounter(std::string_view name, std::string_view help, Labels labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, Labels labels = {});
  Histogram& GetHistogram(std::string_view name, std::string_view help,
                          std::vector<double> bounds, Labels labels = {});

  // The whole registry as Prometheus text: families sorted by name, series by labels.
  std::string RenderText() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    Labels labels;  // sorted by name
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    Type type;
    std::string help;
    std::vector<double> bounds;                // histograms only
    std::map<std::string, Series> series;      // key: rendered label set
  };

  Series& GetSeries(std::string_view name, std::string_view help, Type type,
                    const std::vector<double>* bounds, Labels labels);  // REQUIRES: mu_ held

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;  // GUARDED_BY(mu_)
};

}  // namespace coord::api::http
