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

}  // namespace
}  // namespace coord::loadgen
