// ApplyWorker: the apply thread.
//
// Takes committed entries (and snapshots received from the leader) in log order from the
// Raft thread and applies them to the StateMachine, so that a slow apply never stalls
// heartbeats or fsyncs. It resolves proposals with the state machine's responses, releases
// waiters once an index is applied (linearizable reads), tracks the membership as of the
// applied index (snapshots must carry exactly that), and every `snapshot_every` entries
// captures a snapshot and hands the writer to its owner to serialize on another thread.
//
// Thread-safety: Enqueue, WhenApplied, applied(), SnapshotDone() and Stop() may be called
// from any thread. The StateMachine is only touched by the apply thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "raft/raft.pb.h"
#include "raft/runtime/proposal_tracker.h"
#include "raft/state_machine.h"

namespace coord::raft {

class ApplyWorker {
 public:
  struct Batch {
    std::optional<pb::Snapshot> snapshot;  // installed before `entries`
    std::vector<pb::Entry> entries;
  };
  // Called on the apply thread with a captured snapshot, the term of the entry at its index
  // and the membership at its index.
  using SnapshotCaptured =
      std::function<void(std::unique_ptr<SnapshotWriter>, uint64_t term, pb::ConfState)>;

  // `applied` and `conf` describe the state machine as restored before the worker starts.
  ApplyWorker(StateMachine* state_machine, ProposalTracker* proposals, uint64_t applied,
              uint64_t applied_term, pb::ConfState conf, uint64_t snapshot_every,
              SnapshotCaptured on_snapshot);
  ~ApplyWorker();
  ApplyWorker(const ApplyWorker&) = delete;
  ApplyWorker& operator=(const ApplyWorker&) = delete;

  void Enqueue(Batch batch);
  // Runs `done` once everything up to `index` is applied (at once, on the caller, if it is).
  void WhenApplied(uint64_t index, std::function<void()> done);
  uint64_t applied() const;
  // Snapshots received from the leader and installed so far.
  uint64_t snapshots_installed() const;
  // The snapshot handed out last was written (or failed): another may be captured.
  void SnapshotDone();
  // Applies what is queued, then stops the thread. Waiters still pending are dropped.
  void Stop();

 private:
  void Run();
  void ApplyBatch(Batch& batch);
  void ReleaseWaiters();

  StateMachine* const state_machine_;
  ProposalTracker* const proposals_;
  const uint64_t snapshot_every_;
  const SnapshotCaptured on_snapshot_;

  // Owned by the apply thread.
  pb::ConfState conf_;
  uint64_t applied_term_;
  uint64_t last_snapshot_index_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;                                   // GUARDED_BY(mu_)
  std::multimap<uint64_t, std::function<void()>> waiters_;    // GUARDED_BY(mu_)
  uint64_t applied_;                                          // GUARDED_BY(mu_)
  bool snapshot_in_progress_ = false;                         // GUARDED_BY(mu_)
  uint64_t snapshots_installed_ = 0;                          // GUARDED_BY(mu_)
  bool stopping_ = false;                                     // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace coord::raft
