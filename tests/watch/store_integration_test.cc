// The hub driven by a real coord::store::Store through StoreFeed, as the apply loop will
// drive it: which watch sees which write, and that nothing reaches a watcher before the write
// is applied and readable.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "test_util.h"

namespace coord::watch {
namespace {

using namespace testing;  // NOLINT
using store::CreateMode;

struct NamedSpec {
  const char* name;
  WatchSpec spec;
};

const std::vector<NamedSpec> kWatches = {
    {"data /a", {"/a", WatchKind::kData}},
    {"data /a/c", {"/a/c", WatchKind::kData}},
    {"children /a", {"/a", WatchKind::kChildren}},
    {"children /a/c", {"/a/c", WatchKind::kChildren}},
    {"persistent /a", {"/a", WatchKind::kPersistent}},
    {"recursive /a", {"/a", WatchKind::kPersistentRecursive}},
    {"recursive /", {"/", WatchKind::kPersistentRecursive}},
    {"recursive /b", {"/b", WatchKind::kPersistentRecursive}},
};

struct Row {
  const char* op;
  std::function<void(FedStore&)> run;
  std::map<std::string, std::string> sees;  // watch name -> its events; others see nothing
};

// Each row registers every watch afresh, runs one write, and compares what each one got.
TEST(StoreIntegrationTest, WhichWatchSeesWhichWrite) {
  WatchHub hub;
  FedStore s(&hub);
  ASSERT_TRUE(s.Create("/a").ok());
  ASSERT_TRUE(s.Create("/b").ok());
  uint64_t session = s.OpenSession();

  const std::vector<Row> rows = {
      {"create /a/c",
       [](FedStore& s) { ASSERT_TRUE(s.Create("/a/c").ok()); },
       {{"data /a/c", "created(/a/c)"},
        {"children /a", "children_changed(/a)"},
        {"persistent /a", "children_changed(/a)"},
        {"recursive /a", "created(/a/c)"},
        {"recursive /", "created(/a/c)"}}},
      {"set /a/c",
       [](FedStore& s) { ASSERT_TRUE(s.Set("/a/c", "x").ok()); },
       {{"data /a/c", "data_changed(/a/c)"},
        {"recursive /a", "data_changed(/a/c)"},
        {"recursive /", "data_changed(/a/c)"}}},
      {"set /a",
       [](FedStore& s) { ASSERT_TRUE(s.Set("/a", "y").ok()); },
       {{"data /a", "data_changed(/a)"},
        {"persistent /a", "data_changed(/a)"},
        {"recursive /a", "data_changed(/a)"},
        {"recursive /", "data_changed(/a)"}}},
      {"delete /a/c",
       [](FedStore& s) { ASSERT_TRUE(s.Delete("/a/c").ok()); },
       {{"data /a/c", "deleted(/a/c)"},
        {"children /a/c", "deleted(/a/c)"},
        {"children /a", "children_changed(/a)"},
        {"persistent /a", "children_changed(/a)"},
        {"recursive /a", "deleted(/a/c)"},
        {"recursive /", "deleted(/a/c)"}}},
      {"failed create (exists)",
       [](FedStore& s) { ASSERT_FALSE(s.Create("/a").ok()); },
       {}},
      {"create ephemeral /a/c",
       [session](FedStore& s) {
         ASSERT_TRUE(s.Create("/a/c", "", CreateMode::kEphemeral, session).ok());
       },
       {{"data /a/c", "created(/a/c)"},
        {"children /a", "children_changed(/a)"},
        {"persistent /a", "children_changed(/a)"},
        {"recursive /a", "created(/a/c)"},
        {"recursive /", "created(/a/c)"}}},
      {"close the session: its ephemeral goes",
       [session](FedStore& s) { ASSERT_TRUE(s.CloseSession(session).ok()); },
       {{"data /a/c", "deleted(/a/c)"},
        {"children /a/c", "deleted(/a/c)"},
        {"children /a", "children_changed(/a)"},
        {"persistent /a", "children_changed(/a)"},
        {"recursive /a", "deleted(/a/c)"},
        {"recursive /", "deleted(/a/c)"}}},
      {"multi under /b and /a",
       [](FedStore& s) {
         ASSERT_TRUE(s.Multi({store::CreateRequest{"/b/x", "", CreateMode::kPersistent, 0},
                              store::SetDataRequest{"/a", "z", {}}})
                         .ok());
       },
       {{"data /a", "data_changed(/a)"},
        {"persistent /a", "data_changed(/a)"},
        {"recursive /a", "data_changed(/a)"},
        {"recursive /", "created(/b/x),data_changed(/a)"},
        {"recursive /b", "created(/b/x)"}}},
  };

  for (const Row& row : rows) {
    SCOPED_TRACE(row.op);
    std::vector<std::shared_ptr<Watcher>> watchers;
    for (const NamedSpec& w : kWatches) {
      watchers.push_back(MustRegister(hub, w.spec));
      watchers.back()->Drain();
    }
    row.run(s);
    const uint64_t zxid = s.store.zxid();
    for (size_t i = 0; i < kWatches.size(); ++i) {
      auto it = row.sees.find(kWatches[i].name);
      std::string want = it == row.sees.end() ? "" : std::to_string(zxid) + ":" + it->second;
      EXPECT_EQ(Show(watchers[i]->Drain().batches), want) << kWatches[i].name;
    }
  }
}

// A watcher is woken only once the write is applied and handed over (StoreFeed::Applied),
// and then a read on the same node already sees the write.
TEST(StoreIntegrationTest, NoEventBeforeTheWriteIsAppliedAndReadable) {
  WatchHub hub;
  FedStore s(&hub);
  ASSERT_TRUE(s.Create("/a", "v0").ok());
  std::vector<std::string> reads_at_notify;
  std::shared_ptr<Watcher> w;
  w = MustRegister(hub, {"/a", WatchKind::kPersistent}, std::nullopt, 0, [&] {
    // What a handler does when woken: read the node, then drain.
    auto r = s.store.Get("/a");
    reads_at_notify.push_back(r.ok() ? r->data + "@" + std::to_string(r->stat.mzxid) : "-");
  });
  w->Drain();

  // The Store runs the write and calls its listener; the hub has not been told yet.
  ASSERT_TRUE(s.store.SetData(s.Next(), store::SetDataRequest{"/a", "v1", {}}).ok());
  EXPECT_EQ(w->queued_events(), 0u);
  EXPECT_TRUE(reads_at_notify.empty());
  EXPECT_EQ(hub.applied_zxid(), 1u);
  s.feed.Applied(s.store.zxid());
  ASSERT_EQ(reads_at_notify.size(), 1u);
  EXPECT_EQ(reads_at_notify[0], "v1@2");
  Delivery d = w->Drain();
  EXPECT_EQ(Show(d), "2:data_changed(/a) @2");
  // The read the notification led to saw at least the event's zxid.
  EXPECT_GE(s.store.Get("/a")->stat.mzxid, d.batches[0].zxid);
}

// Entries without events (session opens, failed writes) still advance positions, and a
// session's watches close after the events of the entry that ended it.
TEST(StoreIntegrationTest, SessionCloseDeliversItsDeletesThenEndsItsWatches) {
  WatchHub hub;
  FedStore s(&hub);
  uint64_t session = s.OpenSession();
  ASSERT_TRUE(s.Create("/lock", "", CreateMode::kEphemeral, session).ok());
  auto own = MustRegister(hub, {"/lock", WatchKind::kPersistent}, std::nullopt, session);
  auto other = MustRegister(hub, {"/lock", WatchKind::kData});
  EXPECT_EQ(Show(own->Drain()), "@2");
  ASSERT_TRUE(s.CloseSession(session).ok());
  hub.OnSessionEnded(session);
  EXPECT_EQ(Show(own->Drain()),
            "3:deleted(/lock) @3 closed:SessionEnded: session 1 ended");
  EXPECT_EQ(Show(other->Drain()), "3:deleted(/lock) @3 closed:OK");
}

TEST(StoreIntegrationTest, RestoredFeedCutsWatchers) {
  WatchHub hub;
  FedStore s(&hub);
  ASSERT_TRUE(s.Create("/a").ok());
  auto w = MustRegister(hub, {"/a", WatchKind::kPersistent});
  w->Drain();
  s.feed.Restored(40);
  Delivery d = w->Drain();
  EXPECT_TRUE(d.closed);
  EXPECT_EQ(d.reason.code(), Code::kCompacted);
  EXPECT_EQ(d.position, 1u);
}

}  // namespace
}  // namespace coord::watch
