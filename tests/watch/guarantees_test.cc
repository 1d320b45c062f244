// One test per guarantee of docs/watch.md: ordered, unique, atomic, reliable (under a
// concurrent producer, with consumers on other threads), resumable (same node and another
// node fed the same log), bookmarkable, and the compacted error.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

namespace coord::watch {
namespace {

using namespace testing;  // NOLINT

// A synthetic log: writes with 1..4 events on a small namespace, zxids with gaps (entries
// without events: failed writes, session opens, no-ops).
std::vector<EventBatch> RandomStream(uint32_t seed, size_t writes, uint64_t first_zxid = 1) {
  static const char* paths[] = {"/",   "/a",  "/a/b", "/a/b/c", "/a/d",
                                "/ab", "/x",  "/x/y", "/x/y/z", "/q"};
  const EventType types[] = {kCreated, kDeleted, kDataChanged, kChildrenChanged};
  std::mt19937 rng(seed);
  std::vector<EventBatch> stream;
  uint64_t zxid = first_zxid - 1;
  for (size_t i = 0; i < writes; ++i) {
    zxid += 1 + rng() % 3;
    EventBatch batch{zxid, {}};
    size_t n = 1 + rng() % 4;
    for (size_t j = 0; j < n; ++j) {
      batch.events.push_back(Ev(types[rng() % 4], paths[rng() % std::size(paths)], zxid));
    }
    stream.push_back(std::move(batch));
  }
  return stream;
}

void Feed(WatchHub& hub, const std::vector<EventBatch>& stream, size_t from = 0,
          size_t to = SIZE_MAX) {
  for (size_t i = from; i < std::min(to, stream.size()); ++i) {
    hub.OnApplied(stream[i].zxid, stream[i].events);
  }
}

// Every batch strictly after the previous one; every event stamped with its batch's zxid.
void ExpectOrdered(const std::vector<EventBatch>& batches) {
  for (size_t i = 0; i < batches.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(batches[i - 1].zxid, batches[i].zxid) << "batch " << i;
    }
    for (const store::Event& e : batches[i].events) EXPECT_EQ(e.zxid, batches[i].zxid);
  }
}

void Append(std::vector<EventBatch>& to, Delivery d) {
  for (EventBatch& b : d.batches) to.push_back(std::move(b));
}

const std::vector<WatchSpec> kPersistentSpecs = {
    {"/", WatchKind::kPersistentRecursive}, {"/a", WatchKind::kPersistentRecursive},
    {"/a", WatchKind::kPersistent},         {"/x/y", WatchKind::kPersistent},
    {"/a/b", WatchKind::kPersistentRecursive}, {"/q", WatchKind::kPersistent},
};

TEST(GuaranteesTest, OrderedByZxid) {
  WatchHub hub;
  auto stream = RandomStream(1, 600);
  std::vector<std::shared_ptr<Watcher>> watchers;
  for (const WatchSpec& spec : kPersistentSpecs) watchers.push_back(MustRegister(hub, spec));
  std::vector<std::vector<EventBatch>> got(watchers.size());
  std::mt19937 rng(2);
  // Drain at irregular points, so batches are taken one at a time and many at a time.
  for (size_t i = 0; i < stream.size(); ++i) {
    Feed(hub, stream, i, i + 1);
    for (size_t w = 0; w < watchers.size(); ++w) {
      if (rng() % 5 == 0) Append(got[w], watchers[w]->Drain());
    }
  }
  for (size_t w = 0; w < watchers.size(); ++w) {
    Append(got[w], watchers[w]->Drain());
    ExpectOrdered(got[w]);
    EXPECT_EQ(Show(got[w]), Show(Expected(kPersistentSpecs[w], stream))) << "watcher " << w;
  }
}

TEST(GuaranteesTest, UniqueOneBatchPerWriteAndNoReplayOfTheResumePoint) {
  WatchHub hub;
  FedStore s(&hub);
  ASSERT_TRUE(s.Create("/a").ok());
  auto parent = MustRegister(hub, {"/a", WatchKind::kPersistent});
  auto tree = MustRegister(hub, {"/", WatchKind::kPersistentRecursive});
  EXPECT_EQ(Show(parent->Drain()), "@1");
  tree->Drain();

  // One write matching a watcher through three events: one batch, each event once.
  auto m = s.Multi({store::CreateRequest{"/a/x", "", store::CreateMode::kPersistent, 0},
                    store::CreateRequest{"/a/y", "", store::CreateMode::kPersistent, 0},
                    store::SetDataRequest{"/a", "v", {}}});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(Show(parent->Drain()),
            "2:children_changed(/a),children_changed(/a),data_changed(/a) @2");
  Delivery d = tree->Drain();
  EXPECT_EQ(Show(d), "2:created(/a/x),created(/a/y),data_changed(/a) @2");

  // Resuming from a position replays only what came after it, never the write at it.
  ASSERT_TRUE(s.Set("/a/x", "1").ok());
  tree.reset();  // the client goes away
  auto resumed = MustRegister(hub, {"/", WatchKind::kPersistentRecursive}, d.position);
  EXPECT_EQ(Show(resumed->Drain()), "3:data_changed(/a/x) @3");
  ASSERT_TRUE(s.Set("/a/x", "2").ok());
  EXPECT_EQ(Show(resumed->Drain()), "4:data_changed(/a/x) @4");
  EXPECT_EQ(Show(resumed->Drain()), "@4");
}

TEST(GuaranteesTest, AtomicMultiArrivesWholeWithOneZxid) {
  WatchOptions options;
  options.max_queued_events = 4;
  WatchHub hub(options);
  FedStore s(&hub);
  auto tree = MustRegister(hub, {"/", WatchKind::kPersistentRecursive});
  tree->Drain();

  // A multi bigger than the queue limit into an empty queue: accepted whole, not split.
  std::vector<store::Op> ops;
  for (int i = 0; i < 6; ++i) {
    ops.push_back(store::CreateRequest{"/n" + std::to_string(i), "", {}, 0});
  }
  ASSERT_TRUE(s.Multi(ops).ok());
  Delivery d = tree->Drain();
  ASSERT_EQ(d.batches.size(), 1u) << Show(d);
  EXPECT_EQ(d.batches[0].zxid, 1u);
  EXPECT_EQ(d.batches[0].events.size(), 6u);  // created x6; children_changed(/) not recursive
  ExpectOrdered(d.batches);

  // A failed multi delivers nothing, but the zxid moves on.
  auto failed = s.Multi({store::CreateRequest{"/m", "", {}, 0}, store::DeleteRequest{"/nope", {}}});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(Show(tree->Drain()), "@2");

  // A multi that does not fit behind queued events cuts the watcher before it: the consumer
  // gets everything before the multi, then the cut, never part of the multi.
  ASSERT_TRUE(s.Create("/solo").ok());  // zxid 3, one event queued
  for (auto& op : ops) std::get<store::CreateRequest>(op).path += "x";
  ASSERT_TRUE(s.Multi(ops).ok());       // zxid 4, six events
  d = tree->Drain();
  EXPECT_EQ(Show(d.batches), "3:created(/solo)");
  EXPECT_TRUE(d.closed);
  EXPECT_EQ(d.reason.code(), Code::kWatcherTooSlow);
  EXPECT_EQ(d.position, 3u);
  // Resuming from the position gets the multi, whole.
  auto again = MustRegister(hub, {"/", WatchKind::kPersistentRecursive}, d.position);
  d = again->Drain();
  ASSERT_EQ(d.batches.size(), 1u);
  EXPECT_EQ(d.batches[0].zxid, 4u);
  EXPECT_EQ(d.batches[0].events.size(), 6u);
}

// A producer thread feeds the hub a random log while consumer threads drain their watchers,
// woken only by on_ready. Small queues make watchers get cut; their consumers resume from the
// position they were given. Every consumer must end with exactly the filtered log: nothing
// missing, nothing twice, nothing out of order, every write whole.
TEST(GuaranteesTest, ReliableNoGapsUnderConcurrentProducer) {
  WatchOptions options;
  options.max_queued_events = 16;
  options.history_events = 1'000'000;  // resumes always succeed: gaps would be our bug
  WatchHub hub(options);
  const auto stream = RandomStream(3, 20'000);
  const uint64_t last = stream.back().zxid;

  struct Consumer {
    WatchSpec spec;
    std::vector<EventBatch> got;
    std::vector<uint64_t> positions;
    int registrations = 0;
    bool finished = false;
  };
  std::vector<Consumer> consumers;
  for (const WatchSpec& spec : kPersistentSpecs) consumers.push_back({spec, {}, {}, 0, false});

  // The first consumer stalls until the producer is 2,000 writes in, so at least one cut and
  // resume is certain rather than left to the scheduler.
  std::mutex fed_mu;
  std::condition_variable fed_cv;
  size_t fed = 0;
  auto run = [&](Consumer& c) {
    if (&c == &consumers[0]) {
      std::unique_lock lock(fed_mu);
      EXPECT_TRUE(fed_cv.wait_for(lock, kDeadline, [&] { return fed >= 2000; }));
    }
    std::mutex mu;
    std::condition_variable cv;
    bool ready = false;
    auto on_ready = [&] {
      std::lock_guard lock(mu);
      ready = true;
      cv.notify_one();
    };
    uint64_t position = 0;
    while (!c.finished) {
      auto w = MustRegister(hub, c.spec, position, 0, on_ready);
      if (!w) return;
      ++c.registrations;
      for (;;) {
        Delivery d = w->Drain();
        // The position contract: everything up to the last position was delivered, so
        // nothing at or before it may arrive now.
        for (const EventBatch& b : d.batches) {
          if (b.zxid <= position) {
            ADD_FAILURE() << c.spec.path << ": batch " << b.zxid << " after position "
                          << position;
          }
        }
        Append(c.got, d);
        c.positions.push_back(d.position);
        position = d.position;
        if (position >= last) c.finished = true;
        if (d.closed || c.finished) break;
        std::unique_lock lock(mu);
        if (!cv.wait_for(lock, kDeadline, [&] { return ready; })) {
          ADD_FAILURE() << "no notification for " << c.spec.path << " at " << position;
          c.finished = true;
          break;
        }
        ready = false;
      }
      // Only a cut ends a persistent watch here; it must be the documented one.
      if (!c.finished) {
        EXPECT_EQ(w->Drain().reason.code(), Code::kWatcherTooSlow);
      }
    }
  };

  std::vector<std::thread> threads;
  for (Consumer& c : consumers) threads.emplace_back(run, std::ref(c));
  std::thread feeder([&] {
    for (size_t i = 0; i < stream.size(); ++i) {
      Feed(hub, stream, i, i + 1);
      std::lock_guard lock(fed_mu);
      fed = i + 1;
      fed_cv.notify_all();
    }
  });
  // Waits for the whole log to be applied before the final ticks.
  {
    std::unique_lock lock(fed_mu);
    EXPECT_TRUE(fed_cv.wait_for(lock, kDeadline, [&] { return fed == stream.size(); }));
  }
  // Watchers with nothing new near the end learn the final position from a bookmark: one
  // tick clears "received since the last tick", the next wakes the idle ones.
  hub.EmitProgress();
  hub.EmitProgress();
  for (auto& t : threads) t.join();
  feeder.join();

  uint64_t resumes = 0;
  for (const Consumer& c : consumers) {
    EXPECT_EQ(Show(c.got), Show(Expected(c.spec, stream)))
        << WatchKindName(c.spec.kind) << " " << c.spec.path;
    ExpectOrdered(c.got);
    for (size_t i = 1; i < c.positions.size(); ++i) {
      EXPECT_LE(c.positions[i - 1], c.positions[i]) << c.spec.path;
    }
    resumes += static_cast<uint64_t>(c.registrations - 1);
  }
  // The test is only as good as its cuts: the stalled consumer was cut at least once.
  EXPECT_GE(consumers[0].registrations, 2);
  EXPECT_EQ(hub.stats().cut_too_slow, resumes);
  RecordProperty("resumes", std::to_string(resumes));
}

// The position a Drain reports must never run ahead of what has been queued: the hub
// publishes a zxid only after every queue holds that write. A probe watcher, last of 300 on
// the written path (so its push comes last in each fan-out), is drained in a tight loop on
// another thread while the producer writes; every batch must come after the previous
// position, or a consumer resuming from that position would miss it.
TEST(GuaranteesTest, PositionNeverRunsAheadOfDeliveries) {
  WatchHub hub;
  std::vector<std::shared_ptr<Watcher>> others;
  for (int i = 0; i < 300; ++i) others.push_back(MustRegister(hub, {"/k", WatchKind::kPersistent}));
  auto probe = MustRegister(hub, {"/k", WatchKind::kPersistent});
  const uint64_t writes = 600;
  std::atomic<int> violations{0};
  uint64_t delivered = 0;
  std::thread prober([&] {
    uint64_t position = 0;
    while (position < writes) {
      Delivery d = probe->Drain();
      for (const EventBatch& b : d.batches) {
        if (b.zxid <= position) violations.fetch_add(1);
        ++delivered;
      }
      position = d.position;
    }
  });
  for (uint64_t z = 1; z <= writes; ++z) {
    hub.OnApplied(z, {Ev(kDataChanged, "/k", z)});
    for (auto& w : others) w->Drain();
  }
  prober.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_EQ(delivered, writes);
}

TEST(GuaranteesTest, ResumableOnTheSameNodeAndOnAnotherNode) {
  const auto stream = RandomStream(4, 300);
  const WatchSpec spec{"/a", WatchKind::kPersistentRecursive};
  WatchHub node1, node2, node3;
  std::vector<EventBatch> got;

  // On node 1: watch, read some, disconnect, resume on the same node.
  auto w = MustRegister(node1, spec);
  Feed(node1, stream, 0, 100);
  Delivery d = w->Drain();
  Append(got, d);
  w.reset();
  Feed(node1, stream, 100, 150);
  w = MustRegister(node1, spec, d.position);
  Feed(node1, stream, 150, 200);
  d = w->Drain();
  Append(got, d);
  EXPECT_EQ(d.position, stream[199].zxid);

  // Node 2 is further along (it applied the whole log): the history replays the rest.
  Feed(node2, stream);
  auto w2 = MustRegister(node2, spec, d.position);
  std::vector<EventBatch> on2 = got;
  Append(on2, w2->Drain());
  EXPECT_EQ(Show(on2), Show(Expected(spec, stream)));

  // Node 3 lags behind the position: events up to it are skipped as it catches up.
  Feed(node3, stream, 0, 120);
  auto w3 = MustRegister(node3, spec, d.position);
  EXPECT_EQ(Show(w3->Drain()), "@" + std::to_string(d.position));
  Feed(node3, stream, 120);
  std::vector<EventBatch> on3 = got;
  Append(on3, w3->Drain());
  EXPECT_EQ(Show(on3), Show(Expected(spec, stream)));
}

TEST(GuaranteesTest, BookmarkIdleWatchersGetProgressWithTheCurrentZxid) {
  WatchHub hub;
  Signal quiet_signal, busy_signal;
  auto quiet = MustRegister(hub, {"/quiet", WatchKind::kPersistent}, std::nullopt, 0,
                            quiet_signal.Callback());
  auto busy = MustRegister(hub, {"/busy", WatchKind::kPersistent}, std::nullopt, 0,
                           busy_signal.Callback());
  quiet->Drain();
  busy->Drain();
  for (uint64_t z = 1; z <= 5; ++z) hub.OnApplied(z, {Ev(kDataChanged, "/busy", z)});
  EXPECT_EQ(busy_signal.count(), 1);
  busy->Drain();  // "/busy" is drained, but was not idle this interval

  hub.EmitProgress();
  EXPECT_EQ(quiet_signal.count(), 1);
  EXPECT_EQ(busy_signal.count(), 1);
  EXPECT_EQ(Show(quiet->Drain()), "@5 progress");

  // Nothing moved since: no bookmark for either (busy is idle now, but already at 5).
  hub.EmitProgress();
  EXPECT_EQ(quiet_signal.count(), 1);
  EXPECT_EQ(busy_signal.count(), 1);
  // The zxid moves (entries without events count too): both get one.
  hub.OnApplied(6, {});
  hub.OnApplied(7, {Ev(kCreated, "/elsewhere", 7)});
  hub.EmitProgress();
  EXPECT_EQ(quiet_signal.count(), 2);
  EXPECT_EQ(busy_signal.count(), 2);
  EXPECT_EQ(Show(quiet->Drain()), "@7 progress");
  EXPECT_EQ(Show(busy->Drain()), "@7 progress");
}

TEST(GuaranteesTest, CompactedWhenSinceIsOlderThanTheHistory) {
  WatchOptions options;
  options.history_events = 4;
  WatchHub hub(options, /*start_zxid=*/10);
  EXPECT_EQ(hub.Register({{"/a", WatchKind::kPersistent}, 9, 0, {}}).code(), Code::kCompacted);
  for (uint64_t z = 11; z <= 16; ++z) hub.OnApplied(z, {Ev(kDataChanged, "/a", z)});
  // 4 events kept: 13..16; 12 and before are gone.
  EXPECT_EQ(hub.compacted_through(), 12u);
  auto r = hub.Register({{"/a", WatchKind::kPersistent}, 11, 0, {}});
  ASSERT_EQ(r.code(), Code::kCompacted);
  EXPECT_NE(r.status().message().find("oldest resumable since 12"), std::string::npos)
      << r.status().ToString();
  auto w = MustRegister(hub, {"/a", WatchKind::kPersistent}, 12);
  EXPECT_EQ(Show(w->Drain()),
            "13:data_changed(/a) 14:data_changed(/a) 15:data_changed(/a) 16:data_changed(/a) "
            "@16");
  // A refused registration holds nothing.
  EXPECT_EQ(hub.watcher_count(), 1u);
}

}  // namespace
}  // namespace coord::watch
