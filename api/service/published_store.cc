#include "api/service/published_store.h"

namespace coord::api::service {

PublishedStore::PublishedStore(store::Options options) : options_(options), machine_(options) {
  Publish();
}

std::string PublishedStore::Apply(uint64_t index, std::string_view command) {
  std::string response = machine_.Apply(index, command);
  Publish();
  if (observer_.applied) observer_.applied(index);
  return response;
}

std::unique_ptr<raft::SnapshotWriter> PublishedStore::CaptureSnapshot() {
  return machine_.CaptureSnapshot();
}

raft::Status PublishedStore::Restore(raft::SnapshotSource& source) {
  raft::Status s = machine_.Restore(source);
  if (s.ok()) {
    Publish();
    if (observer_.restored) observer_.restored(machine_.LastApplied());
  }
  return s;
}

ViewPtr PublishedStore::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

void PublishedStore::Publish() {
  auto view = std::make_shared<const store::StoreView>(machine_.store().View());
  ViewPtr old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = std::move(current_);
    current_ = std::move(view);
  }
  last_applied_.store(machine_.LastApplied(), std::memory_order_release);
  // `old` is released here, outside the lock; if it was the last holder, its nodes are freed
  // on this thread.
}

}  // namespace coord::api::service
