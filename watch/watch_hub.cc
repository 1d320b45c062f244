#include "watch/watch_hub.h"

#include <algorithm>
#include <string>
#include <utility>

#include "coord/path.h"
#include "raft/invariant.h"

namespace coord::watch {

namespace {

size_t CountMatches(const WatchSpec& spec, const EventBatch& batch) {
  size_t n = 0;
  for (const store::Event& event : batch.events) n += Matches(spec, event) ? 1 : 0;
  return n;
}

bool ValidKind(WatchKind kind) {
  return static_cast<uint8_t>(kind) <= static_cast<uint8_t>(WatchKind::kPersistentRecursive);
}

}  // namespace

WatchHub::WatchHub(WatchOptions options, uint64_t start_zxid)
    : options_(options),
      applied_zxid_(start_zxid),
      history_(options.history_events, start_zxid) {}

WatchHub::~WatchHub() {
  COORD_INVARIANT(outstanding_.load() == 0, "watch.hub_outlives_watchers",
                  std::to_string(outstanding_.load()) + " watchers still held");
}

void WatchHub::Release::operator()(Watcher* watcher) const {
  {
    std::lock_guard lock(hub->mu_);
    hub->Detach(watcher);
  }
  delete watcher;
  hub->outstanding_.fetch_sub(1);
}

Result<std::shared_ptr<Watcher>> WatchHub::Register(Request request) {
  if (!ValidKind(request.spec.kind)) {
    return Status(Code::kInvalidArgument, "unknown watch kind");
  }
  store::Options path_rules;
  path_rules.max_path_bytes = options_.max_path_bytes;
  if (store::Status s = store::ValidatePath(request.spec.path, path_rules); !s.ok()) {
    return Status(Code::kInvalidArgument, s.message());
  }
  // Allocate outside the lock; the deleter undoes everything below, whichever way we leave.
  outstanding_.fetch_add(1);
  std::shared_ptr<Watcher> watcher(
      new Watcher(this, next_id_.fetch_add(1), std::move(request.spec), request.session_id,
                  options_.max_queued_events, std::move(request.on_ready)),
      Release{this});

  std::lock_guard lock(mu_);
  if (live_.size() >= options_.max_watchers) {
    return Status(Code::kTooManyWatchers,
                  "this node has " + std::to_string(live_.size()) + " watchers, the limit");
  }
  const uint64_t applied = applied_zxid_.load(std::memory_order_relaxed);
  const uint64_t since = request.since.value_or(applied);
  if (!history_.CanResumeFrom(since)) {
    return Status(Code::kCompacted, "since " + std::to_string(since) +
                                        " is older than this node's event history (oldest "
                                        "resumable since " +
                                        std::to_string(history_.compacted_through()) +
                                        ", current zxid " + std::to_string(applied) + ")");
  }
  Watcher* w = watcher.get();
  w->floor_ = since;
  // Replay and attach under one lock: no OnApplied can run between them, so the history
  // covers (since, applied] and live delivery (applied, ...), with no gap and no overlap.
  bool closed = false;
  history_.ForEachAfter(since, [&](const BatchPtr& batch) {
    size_t matched = CountMatches(w->spec(), *batch);
    if (matched == 0) return true;
    // Not armed before the first Drain: no notification to handle.
    closed = w->Push(batch, matched).detach;
    return !closed;
  });
  if (!closed) {
    Attach(w);
  } else {
    // A one-shot's first batch always fits (an empty queue takes any batch): it fired.
    ++(IsOneShot(w->spec().kind) ? fired_ : cut_too_slow_);
  }
  return watcher;
}

void WatchHub::OnApplied(uint64_t zxid, store::EventList events) {
  Ready ready;
  {
    std::lock_guard lock(mu_);
    const uint64_t applied = applied_zxid_.load(std::memory_order_relaxed);
    COORD_INVARIANT(zxid > applied, "watch.zxid_increases",
                    std::to_string(zxid) + " after " + std::to_string(applied));
    if (!events.empty()) {
      for (const store::Event& event : events) {
        COORD_INVARIANT(event.zxid == zxid, "watch.event_zxid",
                        "event at " + std::to_string(event.zxid) + " in entry " +
                            std::to_string(zxid));
      }
      auto batch = std::make_shared<const EventBatch>(EventBatch{zxid, std::move(events)});
      // Match every event first, counting per watcher, so that each watcher gets the write
      // once, as one batch, however many of its events it matches.
      touched_.clear();
      for (const store::Event& event : batch->events) {
        registry_.ForEachMatch(event.type, event.path, [&](RegistryEntry* entry) {
          auto* w = static_cast<Watcher*>(entry);
          if (w->mark_zxid_ != zxid) {
            w->mark_zxid_ = zxid;
            w->mark_count_ = 0;
            touched_.push_back(w);
          }
          ++w->mark_count_;
        });
      }
      for (Watcher* w : touched_) {
        Watcher::Outcome outcome = w->Push(batch, w->mark_count_);
        if (outcome.detach) ++(IsOneShot(w->spec().kind) ? fired_ : cut_too_slow_);
        Handle(w, outcome, ready);
      }
      history_.Append(std::move(batch));
    }
    // Published only now that every queue holds this entry's batch (see Watcher::Drain).
    applied_zxid_.store(zxid, std::memory_order_release);
  }
  NotifyAll(ready);
}

void WatchHub::OnRestored(uint64_t zxid) {
  Ready ready;
  {
    std::lock_guard lock(mu_);
    const uint64_t applied = applied_zxid_.load(std::memory_order_relaxed);
    COORD_INVARIANT(zxid >= applied, "watch.restore_forward",
                    std::to_string(zxid) + " after " + std::to_string(applied));
    if (zxid == applied) return;
    history_.ResetAt(zxid);
    // Backwards, because Detach moves the last live watcher into the freed slot.
    for (size_t i = live_.size(); i-- > 0;) {
      Watcher* w = live_[i];
      // A watcher attached here has everything up to `applied`; one that came from a node
      // further along may already be past `zxid` and loses nothing.
      if (std::max(applied, w->floor_) >= zxid) continue;
      Handle(w,
             w->Close(Status(Code::kCompacted,
                             "a snapshot at zxid " + std::to_string(zxid) +
                                 " was installed on this node; events after " +
                                 std::to_string(applied) + " cannot be replayed"),
                      applied),
             ready);
      ++cut_compacted_;
    }
    applied_zxid_.store(zxid, std::memory_order_release);
  }
  NotifyAll(ready);
}

void WatchHub::OnSessionEnded(uint64_t session_id) {
  Ready ready;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(session_id);
    if (it == sessions_.end()) return;
    const uint64_t applied = applied_zxid_.load(std::memory_order_relaxed);
    // Detach shrinks the list (and erases it when empty): work on a copy.
    std::vector<Watcher*> watchers = it->second;
    for (Watcher* w : watchers) {
      Handle(w,
             w->Close(Status(Code::kSessionEnded,
                             "session " + std::to_string(session_id) + " ended"),
                      applied),
             ready);
    }
  }
  NotifyAll(ready);
}

void WatchHub::EmitProgress() {
  Ready ready;
  {
    std::lock_guard lock(mu_);
    const uint64_t applied = applied_zxid_.load(std::memory_order_relaxed);
    for (Watcher* w : live_) Handle(w, w->TickProgress(applied), ready);
  }
  NotifyAll(ready);
}

void WatchHub::Cancel(Watcher* watcher) {
  Watcher::Outcome outcome;
  {
    std::lock_guard lock(mu_);
    if (watcher->live_slot_ == Watcher::kNoSlot) return;  // already closed
    outcome = watcher->Close(Status(Code::kCancelled, "cancelled"),
                             applied_zxid_.load(std::memory_order_relaxed));
    Detach(watcher);
  }
  // The caller holds a reference (it called watcher->Cancel()).
  if (outcome.notify) watcher->Notify();
}

void WatchHub::Attach(Watcher* w) {
  registry_.Add(w);
  w->live_slot_ = live_.size();
  live_.push_back(w);
  if (w->session_id_ != 0) {
    std::vector<Watcher*>& list = sessions_[w->session_id_];
    w->session_slot_ = list.size();
    list.push_back(w);
  }
}

void WatchHub::Detach(Watcher* w) {
  if (w->live_slot_ == Watcher::kNoSlot) return;
  registry_.Remove(w);
  live_[w->live_slot_] = live_.back();
  live_[w->live_slot_]->live_slot_ = w->live_slot_;
  live_.pop_back();
  w->live_slot_ = Watcher::kNoSlot;
  if (w->session_id_ != 0) {
    auto it = sessions_.find(w->session_id_);
    std::vector<Watcher*>& list = it->second;
    list[w->session_slot_] = list.back();
    list[w->session_slot_]->session_slot_ = w->session_slot_;
    list.pop_back();
    w->session_slot_ = Watcher::kNoSlot;
    if (list.empty()) sessions_.erase(it);
  }
}

void WatchHub::Handle(Watcher* w, Watcher::Outcome outcome, Ready& ready) {
  if (outcome.notify) {
    // Null if the consumer is dropping its last reference right now: its deleter waits for
    // our lock, and nobody is left to notify.
    if (std::shared_ptr<Watcher> strong = w->weak_from_this().lock()) {
      ready.push_back(std::move(strong));
    }
  }
  if (outcome.detach) Detach(w);
}

void WatchHub::NotifyAll(const Ready& ready) {
  for (const std::shared_ptr<Watcher>& w : ready) w->Notify();
}

uint64_t WatchHub::compacted_through() const {
  std::lock_guard lock(mu_);
  return history_.compacted_through();
}

size_t WatchHub::watcher_count() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

WatchHub::Stats WatchHub::stats() const {
  std::lock_guard lock(mu_);
  Stats s;
  s.watchers = live_.size();
  s.paths = registry_.path_count();
  s.history_batches = history_.batch_count();
  s.history_events = history_.event_count();
  s.applied_zxid = applied_zxid_.load(std::memory_order_relaxed);
  s.compacted_through = history_.compacted_through();
  s.fired = fired_;
  s.cut_too_slow = cut_too_slow_;
  s.cut_compacted = cut_compacted_;
  return s;
}

}  // namespace coord::watch
