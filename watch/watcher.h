// Watcher: one watch's delivery endpoint. The hub fills its queue on the apply thread; a
// consumer (an HTTP handler) drains it on any other thread, woken by a callback.
//
// Life cycle
//   live     registered in the hub: every applied write with events it matches is queued,
//            as one batch per write, in zxid order;
//   closed   no longer registered; what was queued before closing is still delivered, then
//            Drain reports closed with a reason:
//              Ok               a one-shot watch fired (its one batch is in the queue);
//              kWatcherTooSlow  a batch would have taken the queue beyond
//                               WatchOptions::max_queued_events (the watcher is cut instead,
//                               so the apply thread never waits and memory stays bounded);
//              kCompacted       a snapshot was installed that the history cannot bridge;
//              kSessionEnded    the session the watch was tied to ended;
//              kCancelled       Cancel() was called.
//   A closed watcher never reopens: the consumer registers a new one, passing the position of
//   the last Delivery as `since`, and continues with no gap and no duplicate (or gets
//   kCompacted at Register and re-reads the state).
//
// Position: every Delivery carries a zxid P such that every event this watch matches with
// zxid <= P has now been delivered (in this Delivery or an earlier one). Positions never go
// down. Resuming with since = P is exact; P is also the bookmark sent to idle consumers.
//
// Notification: on_ready (given at Register) is called when something arrives for a consumer
// that has drained everything: a batch, a close, or a due progress notification. It is
// edge-triggered and armed by Drain: after a Drain, the next change calls it once; nothing
// calls it again until the consumer drains. It is not armed before the first Drain, so
// the consumer drains once right after Register (replayed history may already be waiting)
// and is never called back before Register has returned. It runs on the thread that caused
// the change (usually the apply thread) with no lock of ours held: it must not block (post
// to the consumer's executor and return); it may call any member of the hub or watcher. It
// may run concurrently with a Drain, and with its own previous call if the consumer drained
// in between, so it should only schedule a Drain. It must not own the watcher (capture a
// weak_ptr), or the watcher and its queue are never freed.
//
// Ownership: Register hands out the only owning reference (std::shared_ptr). Dropping the
// last one cancels the watch and frees it; the hub keeps no owning reference, so a consumer
// that goes away cannot leak a watcher. The hub must outlive every Watcher it handed out.
//
// Thread-safety: Drain, Cancel and the observers may be called from any thread. One consumer
// should drain a watcher (two draining concurrently each get a consistent part, in no useful
// order). Lock order: the hub's lock, then a watcher's; a watcher never takes the hub's lock
// while holding its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "watch/event_batch.h"
#include "watch/status.h"
#include "watch/watch_registry.h"
#include "watch/watch_spec.h"

namespace coord::watch {

class WatchHub;

// What one Drain hands the consumer.
struct Delivery {
  // Whole writes, in zxid order, each holding only the events this watch matches (at least
  // one). Never a part of a write: a multi's events arrive together.
  std::vector<EventBatch> batches;
  // See "Position" above.
  uint64_t position = 0;
  // A progress notification is due (the watcher was idle through a WatchHub::EmitProgress
  // tick while the zxid moved): send `position` as a bookmark even if `batches` is empty.
  bool progress = false;
  // Nothing will follow these batches; `reason` says why (see "Life cycle").
  bool closed = false;
  Status reason;
};

class Watcher : public RegistryEntry, public std::enable_shared_from_this<Watcher> {
 public:
  using ReadyCallback = std::function<void()>;

  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // Unique per hub, increasing.
  uint64_t id() const { return id_; }
  // The session the watch is tied to, 0 for none.
  uint64_t session_id() const { return session_id_; }
  // Takes everything queued and arms on_ready. Holds the queue's lock only for a swap (the
  // matching events are copied out after), so the apply thread never waits on a consumer.
  Delivery Drain();
  // Closes the watch with kCancelled (delivered after what is queued). No-op once closed.
  void Cancel();

  // Undrained matching events.
  size_t queued_events() const;
  // True once closed (what was queued before may still be undrained).
  bool closed() const;

 private:
  friend class WatchHub;
  struct Item {
    BatchPtr batch;
    size_t matched;  // events of the batch this watch matches
  };
  // What a change means to the hub.
  struct Outcome {
    bool notify = false;  // call on_ready (the consumer was armed)
    bool detach = false;  // the watcher closed: take it out of the indexes
  };
  static constexpr size_t kNoSlot = static_cast<size_t>(-1);

  Watcher(WatchHub* hub, uint64_t id, WatchSpec spec, uint64_t session_id, size_t max_queued,
          ReadyCallback on_ready);

  // REQUIRES: the hub's lock held; batch->zxid greater than any pushed before; `matched` > 0
  // events of it match. Queues it, fires a one-shot, or cuts the watcher on overflow.
  Outcome Push(const BatchPtr& batch, size_t matched);
  // REQUIRES: the hub's lock held. Closes with `reason`, reporting max(position, floor).
  Outcome Close(Status reason, uint64_t position);
  // REQUIRES: the hub's lock held. A progress tick at `applied` (see WatchHub::EmitProgress).
  Outcome TickProgress(uint64_t applied);
  bool TakeArmed();  // REQUIRES: mu_ held
  void Notify() const {
    if (on_ready_) on_ready_();
  }

  WatchHub* const hub_;
  const uint64_t id_;
  const uint64_t session_id_;
  const size_t max_queued_;
  const ReadyCallback on_ready_;
  // Events with zxid <= floor_ are not for this watcher (they precede `since`). Set by
  // Register under the hub's lock before the watcher is published; constant afterwards.
  uint64_t floor_ = 0;

  // Owned by the hub, GUARDED_BY(hub's mu_).
  uint64_t mark_zxid_ = 0;  // the batch being matched in OnApplied
  size_t mark_count_ = 0;   // its events matched so far
  size_t live_slot_ = kNoSlot;     // index in the hub's live list; kNoSlot once detached
  size_t session_slot_ = kNoSlot;  // index in the hub's list for session_id_

  mutable std::mutex mu_;
  std::vector<Item> queue_;            // GUARDED_BY(mu_)
  size_t queued_events_ = 0;           // GUARDED_BY(mu_)
  bool closed_ = false;                // GUARDED_BY(mu_)
  Status reason_;                      // GUARDED_BY(mu_)
  uint64_t end_position_ = 0;          // GUARDED_BY(mu_) once closed
  bool armed_ = false;                 // GUARDED_BY(mu_) call on_ready at the next change
  bool progress_due_ = false;          // GUARDED_BY(mu_)
  bool pushed_since_tick_ = false;     // GUARDED_BY(mu_)
  uint64_t reported_position_ = 0;     // GUARDED_BY(mu_) position of the last Delivery
};

}  // namespace coord::watch
