// PublishedStore: the StoreStateMachine behind raft::StateMachine, publishing an immutable
// StoreView after every apply and restore, so that HTTP threads read the namespace without
// touching the Store (which belongs to the apply thread).
//
// Why after every entry rather than per batch: the runtime resolves a write's proposal right
// after its entry is applied, and releases a linearizable read once its index is applied
// (apply_worker.h); publishing inside Apply means the view a handler takes at that moment
// already holds the write, or reflects at least the read index. A view costs a State copy
// (a handful of pointer copies, state.h) plus one allocation; holding it makes the next
// write copy the B+tree paths it changes instead of updating them in place (coord.md: about
// 20% more apply time, measured while a snapshot holds the state).
//
// Thread-safety: Apply, CaptureSnapshot and Restore on the apply thread, as any
// raft::StateMachine; LastApplied and Current from any thread. Current() never blocks on an
// apply: the slot's mutex is held only to copy a shared_ptr.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "coord/state_machine.h"
#include "coord/store_view.h"
#include "raft/state_machine.h"

namespace coord::api::service {

using ViewPtr = std::shared_ptr<const store::StoreView>;

class PublishedStore : public raft::StateMachine {
 public:
  explicit PublishedStore(store::Options options);

  std::string Apply(uint64_t index, std::string_view command) override;
  uint64_t LastApplied() const override { return last_applied_.load(std::memory_order_acquire); }
  std::unique_ptr<raft::SnapshotWriter> CaptureSnapshot() override;
  raft::Status Restore(raft::SnapshotSource& source) override;

  // The latest published view: its zxid is the last applied index at the time of the call.
  ViewPtr Current() const;

  // For consumers of the apply stream such as the watch hub (watch/store_feed.h): `applied`
  // runs after each entry's Apply once its view is published (so a read here already sees the
  // entry), `restored` after a snapshot restore; both on the apply thread, both must not
  // block. Set them, and the Store's event listener through store(), before RaftNode::Start;
  // after that store() belongs to the apply thread.
  struct ApplyObserver {
    std::function<void(uint64_t index)> applied;
    std::function<void(uint64_t index)> restored;
  };
  void SetObserver(ApplyObserver observer) { observer_ = std::move(observer); }
  store::Store& store() { return machine_.store(); }

  const store::Options& options() const { return options_; }

 private:
  void Publish();  // apply thread

  const store::Options options_;
  store::StoreStateMachine machine_;  // apply thread only
  ApplyObserver observer_;            // set before the apply thread starts
  std::atomic<uint64_t> last_applied_{0};
  mutable std::mutex mu_;
  ViewPtr current_;  // GUARDED_BY(mu_)
};

}  // namespace coord::api::service
