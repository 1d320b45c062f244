#include "watch/watcher.h"

#include <algorithm>
#include <string>
#include <utility>

#include "watch/watch_hub.h"

namespace coord::watch {

Watcher::Watcher(WatchHub* hub, uint64_t id, WatchSpec spec, uint64_t session_id,
                 size_t max_queued, ReadyCallback on_ready)
    : RegistryEntry(std::move(spec)),
      hub_(hub),
      id_(id),
      session_id_(session_id),
      max_queued_(max_queued),
      on_ready_(std::move(on_ready)) {}

bool Watcher::TakeArmed() {
  bool armed = armed_;
  armed_ = false;
  return armed;
}

Watcher::Outcome Watcher::Push(const BatchPtr& batch, size_t matched) {
  std::lock_guard lock(mu_);
  if (closed_ || batch->zxid <= floor_) return {};
  if (queued_events_ > 0 && queued_events_ + matched > max_queued_) {
    // Cut rather than grow or wait. Everything before this batch was queued, so the consumer
    // can resume from just before it.
    closed_ = true;
    reason_ = Status(Code::kWatcherTooSlow,
                     "watcher fell behind: " + std::to_string(queued_events_) +
                         " events undrained, limit " + std::to_string(max_queued_) +
                         "; resume from zxid " + std::to_string(batch->zxid - 1));
    end_position_ = batch->zxid - 1;
    return {TakeArmed(), true};
  }
  queue_.push_back(Item{batch, matched});
  queued_events_ += matched;
  pushed_since_tick_ = true;
  bool fired = IsOneShot(spec().kind);
  if (fired) {
    closed_ = true;
    reason_ = Status::Ok();
    end_position_ = batch->zxid;
  }
  return {TakeArmed(), fired};
}

Watcher::Outcome Watcher::Close(Status reason, uint64_t position) {
  std::lock_guard lock(mu_);
  if (closed_) return {};
  closed_ = true;
  reason_ = std::move(reason);
  end_position_ = std::max(position, floor_);
  return {TakeArmed(), true};
}

Watcher::Outcome Watcher::TickProgress(uint64_t applied) {
  std::lock_guard lock(mu_);
  Outcome outcome;
  // Armed means drained and nothing new since; not pushed since the last tick means idle for
  // a whole interval. Only worth a wake-up if the position it would report has moved.
  if (!closed_ && armed_ && !pushed_since_tick_ &&
      std::max(applied, floor_) > reported_position_) {
    progress_due_ = true;
    outcome.notify = TakeArmed();
  }
  pushed_since_tick_ = false;
  return outcome;
}

Delivery Watcher::Drain() {
  // Read before taking the queue: the hub publishes a zxid only after queuing that write's
  // batches, so everything this watch matches up to `applied` is in the queue we take (or was
  // taken before).
  const uint64_t applied = hub_->applied_zxid();
  std::vector<Item> items;
  Delivery delivery;
  {
    std::lock_guard lock(mu_);
    items.swap(queue_);
    queued_events_ = 0;
    delivery.progress = std::exchange(progress_due_, false);
    delivery.closed = closed_;
    delivery.reason = reason_;
    // Each term is a zxid up to which everything has been delivered; the largest wins. The
    // previous position counts too: a batch can be queued (and taken by an earlier Drain)
    // before the hub publishes its zxid, so `applied` may still be behind it.
    delivery.position = std::max(reported_position_, floor_);
    if (closed_) {
      delivery.position = std::max(delivery.position, end_position_);
    } else {
      delivery.position = std::max(delivery.position, applied);
      armed_ = true;
    }
    if (!items.empty()) delivery.position = std::max(delivery.position, items.back().batch->zxid);
    reported_position_ = delivery.position;
  }
  // Copy out this watch's events outside the lock, so the apply thread never waits for it.
  delivery.batches.reserve(items.size());
  for (const Item& item : items) {
    EventBatch& out = delivery.batches.emplace_back();
    out.zxid = item.batch->zxid;
    out.events.reserve(item.matched);
    for (const store::Event& event : item.batch->events) {
      if (Matches(spec(), event)) out.events.push_back(event);
    }
  }
  return delivery;
}

void Watcher::Cancel() { hub_->Cancel(this); }

size_t Watcher::queued_events() const {
  std::lock_guard lock(mu_);
  return queued_events_;
}

bool Watcher::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

}  // namespace coord::watch
