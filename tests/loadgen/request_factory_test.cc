#include "client/loadgen/request_factory.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace coord::loadgen {
namespace {

TEST(RequestFactory, CoordAndEtcdRequestsForTheSameWorkload) {
  LoadOptions o;
  o.workload = Workload::kSet;
  o.keys = 1;
  o.value_bytes = 3;
  std::mt19937_64 rng(1);
  HttpRequest coord = RequestFactory(o).Next(0, 0, rng, "");
  EXPECT_EQ(coord.method(), boost::beast::http::verb::put);
  EXPECT_EQ(coord.target(), "/v1/nodes/load/k0");
  EXPECT_EQ(nlohmann::json::parse(coord.body()), (nlohmann::json{{"data", "vvv"}}));

  o.system = System::kEtcd;
  HttpRequest etcd = RequestFactory(o).Next(0, 0, rng, "");
  EXPECT_EQ(etcd.target(), "/v3/kv/put");
  EXPECT_EQ(nlohmann::json::parse(etcd.body()), (nlohmann::json{{"key", Base64("/load/k0")}, {"value", "dnZ2"}}));

  o.workload = Workload::kGetSerializable;
  EXPECT_EQ(nlohmann::json::parse(RequestFactory(o).Next(0, 0, rng, "").body())["serializable"], true);
  EXPECT_EQ(Base64("ab"), "YWI=");
  EXPECT_EQ(Base64("a"), "YQ==");
  EXPECT_EQ(Base64(""), "");
}

TEST(LoadOptions, BadFlagsAreRefused) {
  std::string message;
  bool help = false;
  const char* bad[] = {"coord-load", "--workload", "sometimes"};
  EXPECT_FALSE(ParseLoadOptions(3, const_cast<char**>(bad), &message, &help));
  EXPECT_NE(message.find("sometimes"), std::string::npos);
  const char* etcd_children[] = {"coord-load", "--system", "etcd", "--workload", "children"};
  EXPECT_FALSE(ParseLoadOptions(5, const_cast<char**>(etcd_children), &message, &help));
  const char* zk_keepalive[] = {"coord-load", "--system", "zookeeper", "--workload", "keepalive"};
  EXPECT_FALSE(ParseLoadOptions(5, const_cast<char**>(zk_keepalive), &message, &help));
  EXPECT_NE(message.find("ZooKeeper"), std::string::npos) << message;
  const char* zk_children[] = {"coord-load", "--system", "zookeeper", "--workload", "children"};
  auto zk = ParseLoadOptions(5, const_cast<char**>(zk_children), &message, &help);
  ASSERT_TRUE(zk);
  EXPECT_EQ(zk->system, System::kZooKeeper);
  EXPECT_STREQ(SystemName(zk->system), "zookeeper");
  const char* ok[] = {"coord-load", "--concurrency", "8", "--targets", "127.0.0.1:1,127.0.0.2:2"};
  auto o = ParseLoadOptions(5, const_cast<char**>(ok), &message, &help);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->concurrency, 8);
  ASSERT_EQ(o->targets.size(), 2u);
  EXPECT_EQ(o->targets[1].port, 2);
}

TEST(LoadOptions, TheWatchWorkloadIsCoordOnlyAndNeedsItsKeys) {
  std::string message;
  bool help = false;
  const char* zk_watch[] = {"coord-load", "--system", "zookeeper", "--workload", "watch", "--prepopulate", "1000"};
  EXPECT_FALSE(ParseLoadOptions(7, const_cast<char**>(zk_watch), &message, &help));
  EXPECT_NE(message.find("coord-only"), std::string::npos) << message;
  const char* etcd_watch[] = {"coord-load", "--system", "etcd", "--workload", "watch", "--prepopulate", "1000"};
  EXPECT_FALSE(ParseLoadOptions(7, const_cast<char**>(etcd_watch), &message, &help));
  EXPECT_NE(message.find("coord-only"), std::string::npos) << message;
  const char* unpopulated[] = {"coord-load", "--workload", "watch", "--keys", "10"};
  EXPECT_FALSE(ParseLoadOptions(5, const_cast<char**>(unpopulated), &message, &help));
  EXPECT_NE(message.find("--prepopulate"), std::string::npos) << message;
  const char* no_watchers[] = {"coord-load", "--workload", "watch", "--keys", "10", "--prepopulate", "10",
                               "--watchers", "0"};
  EXPECT_FALSE(ParseLoadOptions(9, const_cast<char**>(no_watchers), &message, &help));
  const char* ok[] = {"coord-load", "--workload", "watch", "--keys", "10", "--prepopulate", "10", "--watchers", "7"};
  auto o = ParseLoadOptions(9, const_cast<char**>(ok), &message, &help);
  ASSERT_TRUE(o) << message;
  EXPECT_EQ(o->workload, Workload::kWatch);
  EXPECT_EQ(o->watchers, 7);
  const char* defaults[] = {"coord-load", "--workload", "watch", "--prepopulate", "1000"};
  EXPECT_EQ(ParseLoadOptions(5, const_cast<char**>(defaults), &message, &help)->watchers, 100);
}

TEST(RequestFactory, TheWatchWorkloadsRequests) {
  LoadOptions o;
  o.workload = Workload::kWatch;
  o.keys = 1;
  o.prefix = "/w";
  const RequestFactory f(o);
  std::mt19937_64 rng(1);
  HttpRequest write = f.Next(0, 0, rng, "");  // its writers set existing keys
  EXPECT_EQ(write.method(), boost::beast::http::verb::put);
  EXPECT_EQ(write.target(), "/v1/nodes/w/k0");
  EXPECT_EQ(f.ProbePath(), "/w/watch-probe");
  EXPECT_EQ(f.WriteProbe(true).method(), boost::beast::http::verb::post);
  EXPECT_EQ(f.WriteProbe(false).target(), "/v1/nodes/w/watch-probe");
  HttpRequest watch = f.WatchPrefix(42);
  EXPECT_EQ(watch.method(), boost::beast::http::verb::get);
  EXPECT_EQ(watch.target(), "/v1/watch?path=/w&recursive=true&since=42");
  EXPECT_EQ(watch[boost::beast::http::field::accept], "text/event-stream");
}

}  // namespace
}  // namespace coord::loadgen
