// The watcher's life cycle and the hub's limits: one-shot firing, notifications, slow
// consumers, sessions, the watcher limit, cancelling and releasing, snapshot installs.
#include "watch/watcher.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "test_util.h"

namespace coord::watch {
namespace {

using namespace testing;  // NOLINT

void Write(WatchHub& hub, uint64_t zxid, EventType type, const std::string& path) {
  hub.OnApplied(zxid, {Ev(type, path, zxid)});
}

TEST(WatcherTest, OneShotFiresExactlyOnce) {
  WatchHub hub;
  Signal signal;
  auto data = MustRegister(hub, {"/a", WatchKind::kData}, std::nullopt, 0, signal.Callback());
  auto children = MustRegister(hub, {"/a", WatchKind::kChildren});
  EXPECT_EQ(Show(data->Drain()), "@0");
  EXPECT_EQ(Show(children->Drain()), "@0");

  hub.OnApplied(1, {Ev(kCreated, "/a/x", 1), Ev(kChildrenChanged, "/a", 1)});
  EXPECT_EQ(Show(children->Drain()), "1:children_changed(/a) @1 closed:OK");
  hub.OnApplied(2, {Ev(kDataChanged, "/a", 2)});
  EXPECT_EQ(signal.count(), 1);
  Write(hub, 3, kDataChanged, "/a");
  Write(hub, 4, kDeleted, "/a");
  EXPECT_EQ(signal.count(), 1) << "fired once: later writes do not notify";
  EXPECT_EQ(Show(data->Drain()), "2:data_changed(/a) @2 closed:OK");
  EXPECT_EQ(Show(data->Drain()), "@2 closed:OK");
  EXPECT_EQ(Show(children->Drain()), "@1 closed:OK");
  EXPECT_EQ(hub.watcher_count(), 0u) << "fired watches leave the index";
  EXPECT_EQ(hub.stats().fired, 2u);
}

TEST(WatcherTest, OneShotFromHistoryFiresAtRegister) {
  // The "?watch= on a read" race: the read was served at zxid 1, /a changed at 2, the watch
  // is registered at 3. Registering with since = 1 fires at once with the change at 2.
  WatchHub hub;
  Write(hub, 1, kCreated, "/a");
  Write(hub, 2, kDataChanged, "/a");
  Write(hub, 3, kDataChanged, "/a");
  auto w = MustRegister(hub, {"/a", WatchKind::kData}, 1);
  EXPECT_TRUE(w->closed());
  EXPECT_EQ(Show(w->Drain()), "2:data_changed(/a) @2 closed:OK");
  EXPECT_EQ(hub.watcher_count(), 0u);
}

TEST(WatcherTest, NotificationIsEdgeTriggeredAndArmedByDrain) {
  WatchHub hub;
  Signal signal;
  auto w = MustRegister(hub, {"/a", WatchKind::kPersistent}, std::nullopt, 0,
                        signal.Callback());
  Write(hub, 1, kDataChanged, "/a");
  EXPECT_EQ(signal.count(), 0) << "not armed before the first Drain";
  EXPECT_EQ(Show(w->Drain()), "1:data_changed(/a) @1");
  Write(hub, 2, kDataChanged, "/a");
  Write(hub, 3, kDataChanged, "/a");
  EXPECT_EQ(signal.count(), 1) << "one call until the consumer drains";
  Write(hub, 4, kDataChanged, "/b");
  EXPECT_EQ(Show(w->Drain()), "2:data_changed(/a) 3:data_changed(/a) @4");
  Write(hub, 5, kDataChanged, "/b");
  EXPECT_EQ(signal.count(), 1) << "unrelated writes do not wake it";
  w->Cancel();
  EXPECT_EQ(signal.count(), 2) << "closing wakes an armed consumer";
  EXPECT_EQ(Show(w->Drain()), "@5 closed:Cancelled: cancelled");
}

// Many watchers on one path, one of them never drained. It is cut when its queue would pass
// the limit; its queue never grows beyond the limit; the others get every write; the apply
// thread never waits. The cut watcher resumes from its position with nothing lost.
TEST(WatcherTest, SlowConsumerIsCutWhileOthersContinue) {
  WatchOptions options;
  options.max_queued_events = 10;
  WatchHub hub(options);
  std::vector<std::shared_ptr<Watcher>> fast;
  for (int i = 0; i < 50; ++i) fast.push_back(MustRegister(hub, {"/k", WatchKind::kPersistent}));
  Signal slow_signal;
  auto slow =
      MustRegister(hub, {"/k", WatchKind::kPersistent}, std::nullopt, 0, slow_signal.Callback());
  slow->Drain();
  std::vector<std::string> fast_got(fast.size());
  size_t max_slow_queue = 0;
  for (uint64_t z = 1; z <= 30; ++z) {
    Write(hub, z, kDataChanged, "/k");
    max_slow_queue = std::max(max_slow_queue, slow->queued_events());
    for (size_t i = 0; i < fast.size(); ++i) {
      Delivery d = fast[i]->Drain();
      ASSERT_EQ(d.batches.size(), 1u) << "fast watcher " << i << " at " << z;
      fast_got[i] += std::to_string(d.batches[0].zxid) + " ";
    }
  }
  EXPECT_EQ(max_slow_queue, 10u);
  EXPECT_EQ(slow_signal.count(), 1) << "woken once, at the first write, then never drained";
  for (const std::string& got : fast_got) EXPECT_EQ(got, fast_got[0]);
  EXPECT_EQ(hub.watcher_count(), fast.size());
  EXPECT_EQ(hub.stats().cut_too_slow, 1u);

  Delivery d = slow->Drain();
  EXPECT_EQ(d.batches.size(), 10u);
  EXPECT_EQ(d.batches.back().zxid, 10u);
  EXPECT_TRUE(d.closed);
  EXPECT_EQ(d.reason.code(), Code::kWatcherTooSlow) << d.reason.ToString();
  EXPECT_EQ(d.position, 10u) << "everything up to 10 delivered; 11 did not fit";
  auto resumed = MustRegister(hub, {"/k", WatchKind::kPersistent}, d.position);
  d = resumed->Drain();
  ASSERT_EQ(d.batches.size(), 10u) << "the replay is limited by the queue too";
  EXPECT_EQ(d.batches.front().zxid, 11u);
  EXPECT_EQ(d.reason.code(), Code::kWatcherTooSlow);
  resumed = MustRegister(hub, {"/k", WatchKind::kPersistent}, d.position);
  d = resumed->Drain();
  EXPECT_EQ(d.batches.size(), 10u);
  EXPECT_EQ(d.batches.back().zxid, 30u);
  EXPECT_FALSE(d.closed);
  EXPECT_EQ(d.position, 30u);
}

TEST(WatcherTest, SessionEndDropsItsWatches) {
  WatchHub hub;
  auto mine1 = MustRegister(hub, {"/a", WatchKind::kPersistent}, std::nullopt, 7);
  auto mine2 = MustRegister(hub, {"/", WatchKind::kPersistentRecursive}, std::nullopt, 7);
  auto other = MustRegister(hub, {"/a", WatchKind::kPersistent}, std::nullopt, 8);
  auto none = MustRegister(hub, {"/a", WatchKind::kData});
  Write(hub, 1, kDeleted, "/a");  // e.g. session 7's ephemeral, deleted by its close
  hub.OnSessionEnded(7);
  hub.OnSessionEnded(7);   // idempotent
  hub.OnSessionEnded(99);  // unknown: nothing
  EXPECT_EQ(Show(mine1->Drain()), "1:deleted(/a) @1 closed:SessionEnded: session 7 ended");
  EXPECT_EQ(Show(mine2->Drain()), "1:deleted(/a) @1 closed:SessionEnded: session 7 ended");
  Write(hub, 2, kCreated, "/a");
  EXPECT_EQ(Show(other->Drain()), "1:deleted(/a) 2:created(/a) @2");
  EXPECT_EQ(Show(none->Drain()), "1:deleted(/a) @1 closed:OK");
  EXPECT_EQ(hub.watcher_count(), 1u);
}

TEST(WatcherTest, MaxWatchersLimit) {
  WatchOptions options;
  options.max_watchers = 3;
  WatchHub hub(options);
  auto a = MustRegister(hub, {"/a", WatchKind::kData});
  auto b = MustRegister(hub, {"/b", WatchKind::kPersistent});
  auto c = MustRegister(hub, {"/c", WatchKind::kPersistent});
  auto refused = hub.Register({{"/d", WatchKind::kPersistent}, {}, 0, {}});
  EXPECT_EQ(refused.code(), Code::kTooManyWatchers) << refused.status().ToString();
  Write(hub, 1, kCreated, "/a");  // the one-shot fires: a slot is free
  auto d = hub.Register({{"/d", WatchKind::kPersistent}, {}, 0, {}});
  EXPECT_TRUE(d.ok());
  EXPECT_EQ(hub.Register({{"/x", WatchKind::kPersistent}, {}, 0, {}}).code(),
            Code::kTooManyWatchers);
  b->Cancel();  // a cancelled one frees its slot
  auto e = MustRegister(hub, {"/e", WatchKind::kPersistent});
  EXPECT_EQ(hub.Register({{"/x", WatchKind::kPersistent}, {}, 0, {}}).code(),
            Code::kTooManyWatchers);
  c.reset();  // and so does a released one
  auto f = hub.Register({{"/f", WatchKind::kPersistent}, {}, 0, {}});
  EXPECT_TRUE(f.ok());
  EXPECT_EQ(hub.watcher_count(), 3u);
}

TEST(WatcherTest, InvalidArguments) {
  WatchHub hub;
  const std::vector<std::string> bad = {"", "a", "/a/", "//a", "/a/../b", std::string("/a\0b", 4)};
  for (const std::string& path : bad) {
    EXPECT_EQ(hub.Register({{path, WatchKind::kData}, {}, 0, {}}).code(), Code::kInvalidArgument)
        << path;
  }
  EXPECT_EQ(hub.Register({{"/a", static_cast<WatchKind>(9)}, {}, 0, {}}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(hub.watcher_count(), 0u);
}

TEST(WatcherTest, ReleasingTheLastReferenceDetaches) {
  WatchHub hub;
  Signal signal;
  auto w = MustRegister(hub, {"/a", WatchKind::kPersistent}, std::nullopt, 0, signal.Callback());
  w->Drain();
  EXPECT_EQ(hub.watcher_count(), 1u);
  w.reset();
  EXPECT_EQ(hub.watcher_count(), 0u);
  EXPECT_EQ(hub.stats().paths, 0u);
  Write(hub, 1, kDataChanged, "/a");
  EXPECT_EQ(signal.count(), 0);
}

TEST(WatcherTest, SnapshotInstallCutsWatchersTheHistoryCannotBridge) {
  WatchHub hub;
  Write(hub, 1, kCreated, "/a");
  auto behind = MustRegister(hub, {"/a", WatchKind::kPersistent});
  Write(hub, 2, kDataChanged, "/a");
  auto ahead = MustRegister(hub, {"/a", WatchKind::kPersistent}, 100);  // from a node at 100
  hub.OnRestored(50);
  EXPECT_EQ(Show(behind->Drain()),
            "2:data_changed(/a) @2 closed:Compacted: a snapshot at zxid 50 was installed on "
            "this node; events after 2 cannot be replayed");
  EXPECT_EQ(hub.Register({{"/a", WatchKind::kPersistent}, 2, 0, {}}).code(), Code::kCompacted);
  EXPECT_EQ(hub.applied_zxid(), 50u);
  EXPECT_EQ(hub.stats().cut_compacted, 1u);
  // The watcher from a node at 100 lost nothing: it still skips up to 100.
  Write(hub, 60, kDataChanged, "/a");
  Write(hub, 101, kDataChanged, "/a");
  EXPECT_EQ(Show(ahead->Drain()), "101:data_changed(/a) @101");
  auto fresh = MustRegister(hub, {"/a", WatchKind::kPersistent}, 50);
  EXPECT_EQ(Show(fresh->Drain()), "60:data_changed(/a) 101:data_changed(/a) @101");
  hub.OnRestored(101);  // no jump: nothing happens
  EXPECT_FALSE(ahead->closed());
}

TEST(WatcherTest, WatchFromAheadSkipsWhatTheClientAlreadySaw) {
  WatchHub hub;
  Write(hub, 1, kDataChanged, "/a");
  auto w = MustRegister(hub, {"/a", WatchKind::kData}, 3);
  EXPECT_EQ(Show(w->Drain()), "@3");
  Write(hub, 2, kDataChanged, "/a");
  Write(hub, 3, kDataChanged, "/a");
  EXPECT_EQ(Show(w->Drain()), "@3");
  Write(hub, 4, kDataChanged, "/a");
  EXPECT_EQ(Show(w->Drain()), "4:data_changed(/a) @4 closed:OK");
}

TEST(WatcherDeathTest, ZxidsMustIncrease) {
  WatchHub hub;
  hub.OnApplied(5, {});
  EXPECT_DEATH(hub.OnApplied(5, {}), "watch.zxid_increases");
  EXPECT_DEATH(hub.OnApplied(6, {Ev(kCreated, "/a", 7)}), "watch.event_zxid");
  EXPECT_DEATH(hub.OnRestored(4), "watch.restore_forward");
}

TEST(WatcherDeathTest, TheHubMustOutliveItsWatchers) {
  EXPECT_DEATH(
      {
        auto hub = std::make_unique<WatchHub>();
        auto w = MustRegister(*hub, {"/a", WatchKind::kData});
        hub.reset();
      },
      "watch.hub_outlives_watchers");
}

}  // namespace
}  // namespace coord::watch
