// Reads: get, exists, children (sorted, with stats), and views that do not change.
#include <gtest/gtest.h>

#include <thread>

#include "test_util.h"

namespace coord::store {
namespace {

using testing::TestStore;

TEST(ReadTest, GetExistsErrors) {
  TestStore t;
  ASSERT_OK(t.Create("/a", "data"));
  auto g = t.store.Get("/a");
  ASSERT_OK(g);
  EXPECT_EQ(g->data, "data");
  EXPECT_EQ(g->stat.data_length, 4u);
  EXPECT_CODE(t.store.Get("/b"), Code::kNoNode);
  EXPECT_CODE(t.store.Get("a"), Code::kInvalidPath);
  auto e = t.store.Exists("/b");
  ASSERT_OK(e);
  EXPECT_FALSE(e->has_value());
  EXPECT_CODE(t.store.Exists("/b/"), Code::kInvalidPath);
  auto root = t.store.Get("/");
  ASSERT_OK(root);
  EXPECT_EQ(root->stat.num_children, 1);
}

TEST(ReadTest, ChildrenSortedWithStats) {
  TestStore t;
  ASSERT_OK(t.Create("/p"));
  for (const char* name : {"zeta", "alpha", "Beta", "m", "alpha2", "\xc3\xa9"}) {
    ASSERT_OK(t.Create(std::string("/p/") + name, name));
  }
  ASSERT_OK(t.Create("/p/m/deeper"));  // grandchildren are not children
  ASSERT_OK(t.Create("/p0"));          // a sibling sharing the prefix is not a child
  auto c = t.store.Children("/p", /*with_stats=*/true);
  ASSERT_OK(c);
  EXPECT_EQ(c->names, (std::vector<std::string>{"Beta", "alpha", "alpha2", "m", "zeta",
                                                "\xc3\xa9"}));
  ASSERT_EQ(c->stats.size(), c->names.size());
  for (size_t i = 0; i < c->names.size(); ++i) {
    EXPECT_EQ(c->stats[i], t.StatOf("/p/" + c->names[i]));
  }
  EXPECT_EQ(c->stat.num_children, 6);
  EXPECT_EQ(t.Children("/p/m"), std::vector<std::string>{"deeper"});
  EXPECT_EQ(t.Children("/p/zeta"), std::vector<std::string>{});
  EXPECT_EQ(t.Children("/"), (std::vector<std::string>{"p", "p0"}));
  auto without = t.store.Children("/p");
  ASSERT_OK(without);
  EXPECT_TRUE(without->stats.empty());
  EXPECT_CODE(t.store.Children("/nope"), Code::kNoNode);
  EXPECT_CODE(t.store.Children("nope"), Code::kInvalidPath);
}

TEST(ReadTest, ViewIsFrozenAndReadableFromAnotherThread) {
  TestStore t;
  for (int i = 0; i < 200; ++i) ASSERT_OK(t.Create("/n" + std::to_string(i), "v0"));
  StoreView view = t.store.View();
  const uint64_t zxid = view.zxid();
  for (int i = 0; i < 200; ++i) {
    ASSERT_OK(t.Set("/n" + std::to_string(i), "v1"));
    if (i % 2 == 0) ASSERT_OK(t.Delete("/n" + std::to_string(i)));
  }
  ASSERT_OK(t.Create("/late"));
  int bad = 0;
  std::thread reader([&] {
    for (int i = 0; i < 200; ++i) {
      auto g = view.Get("/n" + std::to_string(i));
      if (!g.ok() || g->data != "v0") ++bad;
    }
    if (view.Exists("/late").value().has_value()) ++bad;
    if (view.zxid() != zxid || view.node_count() != 201) ++bad;
  });
  reader.join();
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(t.Data("/n1"), "v1");
  EXPECT_FALSE(t.Has("/n0"));
}

}  // namespace
}  // namespace coord::store
