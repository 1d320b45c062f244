#include "raft/transport/send_queue.h"

namespace coord::raft::transport {

SendQueue::SendQueue(size_t max_messages, size_t max_bytes)
    : max_messages_(max_messages), max_bytes_(max_bytes) {}

SendQueue::PushResult SendQueue::Push(raft::pb::Message&& message, size_t bytes) {
  std::lock_guard lock(mu_);
  if (closed_) return PushResult::kClosed;
  if (items_.size() >= max_messages_ || bytes_ + bytes > max_bytes_) return PushResult::kFull;
  items_.push_back(Item{std::move(message), bytes});
  bytes_ += bytes;
  if (!wake_armed_) return PushResult::kQueued;
  wake_armed_ = false;
  return PushResult::kQueuedWakeWriter;
}

size_t SendQueue::TakeBatch(size_t max_batch_bytes, std::deque<Item>* out) {
  std::lock_guard lock(mu_);
  if (!items_.empty() && bytes_ <= max_batch_bytes) {
    out->swap(items_);
    bytes_ = 0;
    return out->size();
  }
  size_t taken = 0;
  size_t batch_bytes = 0;
  while (!items_.empty()) {
    const size_t next = items_.front().bytes;
    if (taken > 0 && batch_bytes + next > max_batch_bytes) break;
    batch_bytes += next;
    bytes_ -= next;
    out->push_back(std::move(items_.front()));
    items_.pop_front();
    ++taken;
  }
  if (taken == 0) wake_armed_ = true;
  return taken;
}

size_t SendQueue::Close() {
  std::deque<Item> discarded;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    discarded.swap(items_);
    bytes_ = 0;
  }
  return discarded.size();  // destroyed outside the lock
}

size_t SendQueue::size() const {
  std::lock_guard lock(mu_);
  return items_.size();
}

size_t SendQueue::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

}  // namespace coord::raft::transport
