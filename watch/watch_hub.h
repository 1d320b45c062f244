// WatchHub: one node's watches. The apply thread tells it what each applied entry changed;
// clients' handlers register watches and drain them (watcher.h).
//
// Watches live on the node the client talks to and are not replicated: each node's hub is fed
// by its own apply thread and fires the watches of its own clients. Because every node
// applies the same log, every hub sees the same events at the same zxids, which is what lets
// a client resume on another node with the `since` it got here.
//
// Guarantees, and what ensures them (docs/watch.md has the long form):
//   ordered      OnApplied requires strictly increasing zxids and queues under one lock, so
//                every queue is in zxid order.
//   atomic       a write's events become one EventBatch, queued (and drained) as one item.
//   unique       within a write, a watcher matched by several events gets one batch; across
//                Register, history replay covers (since, applied] and live delivery covers
//                (applied, ...), both decided under the hub's lock, so nothing is sent twice.
//   reliable     the same lock makes "replay the history and attach" atomic against
//                OnApplied, so nothing falls between them; a watcher that cannot keep up is
//                cut (closed with its exact position), never silently skipped.
//   resumable    see event_history.h: since >= compacted_through() replays exactly the events
//                after `since`; otherwise Register answers kCompacted.
//   bookmarks    EmitProgress() (called periodically by the runtime) wakes idle watchers so
//                their consumers can send their position.
//   after apply  the hub is told about an entry only once it is applied and visible to reads
//                on this node (the caller's duty: OnApplied runs after the write, see
//                store_feed.h), so a client that reads after an event sees at least its state.
//
// Cost: OnApplied is O(events x depth + watchers matched) and never waits on a consumer
// (queues are bounded; a full one cuts its watcher). Register is O(depth) plus the history
// replayed after `since` (under the lock, so bounded by WatchOptions::history_events).
// EmitProgress is O(live watchers); call it every few seconds, not per write.
//
// Thread-safety: every member may be called from any thread. OnApplied, OnRestored (and, by
// convention, OnSessionEnded) come from the apply thread, in log order; Register, Cancel and
// Drain from handlers. One mutex guards the history and the indexes; each watcher's queue has
// its own (lock order: hub, then watcher). on_ready callbacks are invoked after both are
// released, on the thread that made the change.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "coord/event.h"
#include "watch/event_history.h"
#include "watch/options.h"
#include "watch/status.h"
#include "watch/watch_registry.h"
#include "watch/watch_spec.h"
#include "watch/watcher.h"

namespace coord::watch {

class WatchHub {
 public:
  struct Request {
    WatchSpec spec;
    // Deliver the events with zxid > since. Unset: from the current zxid (applied_zxid()).
    // To watch what a read returned, pass the zxid the read was served at: changes between
    // the read and the registration are then replayed, not lost. May be ahead of this node
    // (a client coming from a node further along): events up to `since` are skipped.
    std::optional<uint64_t> since;
    // 0, or the session whose end drops this watch (OnSessionEnded). The hub does not check
    // that the session exists; see docs/watch.md for the race-free recipe.
    uint64_t session_id = 0;
    Watcher::ReadyCallback on_ready;  // see watcher.h, "Notification"
  };

  // Counters for metrics and tests; a consistent snapshot.
  struct Stats {
    size_t watchers = 0;         // live
    size_t paths = 0;            // distinct watched paths
    size_t history_batches = 0;
    size_t history_events = 0;
    uint64_t applied_zxid = 0;
    uint64_t compacted_through = 0;
    uint64_t fired = 0;          // one-shot watches that fired, since start
    uint64_t cut_too_slow = 0;   // watchers cut with kWatcherTooSlow, since start
    uint64_t cut_compacted = 0;  // watchers closed by OnRestored, since start
  };

  // `start_zxid`: the zxid the node's state is at when the hub starts (its last applied
  // index); the history starts there, so resuming from before it is kCompacted.
  explicit WatchHub(WatchOptions options = {}, uint64_t start_zxid = 0);
  // REQUIRES: every Watcher handed out has been released (a broken invariant otherwise).
  ~WatchHub();
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // Registers a watch. Errors: kInvalidArgument (path or kind), kTooManyWatchers, kCompacted
  // (since < compacted_through()). On success the watcher may already hold replayed batches,
  // may even be closed (a one-shot fired from the history, or cut because the replay alone
  // overflowed its queue: the consumer drains and registers again from the position, so
  // resuming far behind proceeds in queue-sized steps); the caller drains it once now.
  Result<std::shared_ptr<Watcher>> Register(Request request);

  // Entry `zxid` has been applied and is visible to reads here; `events` are its events (may
  // be empty: the zxid still advances, for positions and bookmarks).
  // REQUIRES: zxid > applied_zxid(); every event's zxid == zxid (broken invariants stop the
  // process: feeding the log out of order is a bug, not a client error).
  void OnApplied(uint64_t zxid, store::EventList events);

  // A snapshot was installed: the state jumped to `zxid` and the events in between are
  // unknown. The history is cleared (resuming from before `zxid` is kCompacted), and every
  // watcher whose position is before `zxid` is closed with kCompacted after its queued
  // batches. REQUIRES: zxid >= applied_zxid(). A zxid equal to applied_zxid() changes nothing.
  void OnRestored(uint64_t zxid);

  // Closes every watch tied to `session_id` with kSessionEnded. Call once the session's end
  // is applied (after the OnApplied of the closing entry, so its own events come first).
  void OnSessionEnded(uint64_t session_id);

  // A progress tick: every live watcher that has drained everything and received nothing
  // since the previous tick, while the zxid moved past its last position, is woken with
  // Delivery::progress set. The runtime calls it on a timer (etcd's progress notify).
  void EmitProgress();

  // The last zxid handed to OnApplied / OnRestored (or start_zxid).
  uint64_t applied_zxid() const { return applied_zxid_.load(std::memory_order_acquire); }
  // The smallest `since` Register accepts now.
  uint64_t compacted_through() const;
  size_t watcher_count() const;
  Stats stats() const;
  const WatchOptions& options() const { return options_; }

 private:
  friend class Watcher;
  struct Release {  // the deleter of the shared_ptrs Register hands out
    WatchHub* hub;
    void operator()(Watcher* watcher) const;
  };
  using Ready = std::vector<std::shared_ptr<Watcher>>;

  void Cancel(Watcher* watcher);
  void Attach(Watcher* watcher);                   // REQUIRES: mu_ held
  void Detach(Watcher* watcher);                   // REQUIRES: mu_ held; no-op if detached
  // Applies an outcome: collects a strong reference to notify, detaches. REQUIRES: mu_ held.
  void Handle(Watcher* watcher, Watcher::Outcome outcome, Ready& ready);
  static void NotifyAll(const Ready& ready);       // REQUIRES: mu_ not held

  const WatchOptions options_;
  std::atomic<uint64_t> next_id_{1};
  std::atomic<size_t> outstanding_{0};     // watchers handed out and not yet released
  // Written under mu_, after the entry's batches are queued; read anywhere (Watcher::Drain).
  std::atomic<uint64_t> applied_zxid_;

  mutable std::mutex mu_;
  EventHistory history_;                   // GUARDED_BY(mu_)
  WatchRegistry registry_;                 // GUARDED_BY(mu_)
  std::vector<Watcher*> live_;             // GUARDED_BY(mu_) attached watchers
  std::unordered_map<uint64_t, std::vector<Watcher*>> sessions_;  // GUARDED_BY(mu_)
  std::vector<Watcher*> touched_;          // GUARDED_BY(mu_) OnApplied's scratch
  uint64_t fired_ = 0;                     // GUARDED_BY(mu_)
  uint64_t cut_too_slow_ = 0;              // GUARDED_BY(mu_)
  uint64_t cut_compacted_ = 0;             // GUARDED_BY(mu_)
};

}  // namespace coord::watch
