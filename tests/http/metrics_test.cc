// The metrics registry and its Prometheus text, without a server.
#include "api/http/metrics.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace coord::api::http {
namespace {

TEST(MetricsTest, RendersCountersGaugesAndHistograms) {
  MetricsRegistry registry;
  registry.GetCounter("jobs_total", "Jobs done.", {{"kind", "a"}}).Increment(3);
  registry.GetCounter("jobs_total", "Jobs done.", {{"kind", "b"}}).Increment();
  registry.GetGauge("queue_depth", "Items queued.").Set(2.5);
  Histogram& h = registry.GetHistogram("latency_seconds", "Latency.", {0.5, 1});
  h.Observe(0.25);
  h.Observe(0.5);  // `le` is inclusive
  h.Observe(0.75);
  h.Observe(7);

  EXPECT_EQ(registry.RenderText(),
            "# HELP jobs_total Jobs done.\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{kind=\"a\"} 3\n"
            "jobs_total{kind=\"b\"} 1\n"
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{le=\"0.5\"} 2\n"
            "latency_seconds_bucket{le=\"1\"} 3\n"
            "latency_seconds_bucket{le=\"+Inf\"} 4\n"
            "latency_seconds_sum 8.5\n"
            "latency_seconds_count 4\n"
            "# HELP queue_depth Items queued.\n"
            "# TYPE queue_depth gauge\n"
            "queue_depth 2.5\n");
}

TEST(MetricsTest, SameNameAndLabelsIsTheSameMetric) {
  MetricsRegistry registry;
  Counter& a = registry.GetCounter("c_total", "C.", {{"x", "1"}, {"y", "2"}});
  Counter& b = registry.GetCounter("c_total", "C.", {{"y", "2"}, {"x", "1"}});  // order-free
  Counter& c = registry.GetCounter("c_total", "C.", {{"x", "1"}, {"y", "3"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  MetricsRegistry registry;
  registry.GetCounter("e_total", "Help with \\ and\nnewline.", {{"v", "a\"b\\c\nd"}}).Increment();
  const std::string text = registry.RenderText();
  EXPECT_NE(text.find("e_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# HELP e_total Help with \\\\ and\\nnewline.\n"), std::string::npos) << text;
}

TEST(MetricsTest, ConcurrentUpdatesAreAllCounted) {
  MetricsRegistry registry;
  constexpr int kThreads = 4, kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        // Looking the metric up each time also exercises registration under contention.
        registry.GetCounter("n_total", "N.").Increment();
        registry.GetHistogram("h_seconds", "H.", {1.0}).Observe(0.5);
        registry.GetGauge("g", "G.").Add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(registry.GetCounter("n_total", "N.").value(), uint64_t{kThreads * kPerThread});
  EXPECT_EQ(registry.GetHistogram("h_seconds", "H.", {1.0}).count(), uint64_t{kThreads * kPerThread});
  EXPECT_EQ(registry.GetGauge("g", "G.").value(), double{kThreads * kPerThread});
}

TEST(MetricsDeathTest, MisuseStopsTheProcess) {
  EXPECT_DEATH(
      {
        MetricsRegistry r;
        r.GetCounter("x", "X.");
        r.GetGauge("x", "X.");
      },
      "another type");
  EXPECT_DEATH({ MetricsRegistry().GetCounter("bad-name", "B."); }, "invalid metric name");
  EXPECT_DEATH(
      {
        MetricsRegistry r;
        r.GetHistogram("h", "H.", {1, 2});
        r.GetHistogram("h", "H.", {1, 3});
      },
      "other buckets");
}

}  // namespace
}  // namespace coord::api::http
