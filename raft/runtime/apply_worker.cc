#include "raft/runtime/apply_worker.h"

#include <string>

#include "raft/invariant.h"
#include "raft/log.h"
#include "raft/membership.h"
#include "raft/runtime/string_snapshot.h"
#include "raft/runtime/thread_name.h"

namespace coord::raft {

ApplyWorker::ApplyWorker(StateMachine* state_machine, ProposalTracker* proposals,
                         uint64_t applied, uint64_t applied_term, pb::ConfState conf,
                         uint64_t snapshot_every, SnapshotCaptured on_snapshot)
    : state_machine_(state_machine),
      proposals_(proposals),
      snapshot_every_(snapshot_every),
      on_snapshot_(std::move(on_snapshot)),
      conf_(std::move(conf)),
      applied_term_(applied_term),
      last_snapshot_index_(applied),
      applied_(applied) {
  thread_ = std::thread([this] {
    NameThisThread("apply");
    Run();
  });
}

ApplyWorker::~ApplyWorker() { Stop(); }

void ApplyWorker::Enqueue(Batch batch) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(batch));
  }
  cv_.notify_one();
}

void ApplyWorker::WhenApplied(uint64_t index, std::function<void()> done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (applied_ < index) {
      waiters_.emplace(index, std::move(done));
      return;
    }
  }
  done();
}

uint64_t ApplyWorker::applied() const {
  std::lock_guard<std::mutex> lock(mu_);
  return applied_;
}

uint64_t ApplyWorker::snapshots_installed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshots_installed_;
}

void ApplyWorker::SnapshotDone() {
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_in_progress_ = false;
}

void ApplyWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void ApplyWorker::Run() {
  for (;;) {
    Batch batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is applied
      batch = std::move(queue_.front());
      queue_.pop_front();
    }
    ApplyBatch(batch);
    ReleaseWaiters();
  }
}

void ApplyWorker::ApplyBatch(Batch& batch) {
  if (batch.snapshot) {
    StringSnapshotSource source(batch.snapshot->data());
    Status s = state_machine_->Restore(source);
    // A replica that cannot install the leader's snapshot cannot continue consistently.
    COORD_INVARIANT(s.ok(), "snapshot-restores", s.ToString());
    conf_ = batch.snapshot->metadata().conf_state();
    last_snapshot_index_ = batch.snapshot->metadata().index();
    applied_term_ = batch.snapshot->metadata().term();
    Log(LogLevel::kInfo, "snapshot_installed", "index", last_snapshot_index_);
    std::lock_guard<std::mutex> lock(mu_);
    applied_ = std::max(applied_, last_snapshot_index_);
    ++snapshots_installed_;
  }
  for (const pb::Entry& e : batch.entries) {
    std::string response;
    if (e.type() == pb::ENTRY_CONF_CHANGE) {
      pb::ConfChange cc;
      if (cc.ParseFromString(e.data())) conf_ = NextConfState(conf_, cc);
      state_machine_->Apply(e.index(), "");
    } else {
      response = state_machine_->Apply(e.index(), e.data());
    }
    applied_term_ = e.term();
    proposals_->Resolve(e.index(), e.term(), response);
    {
      std::lock_guard<std::mutex> lock(mu_);
      applied_ = e.index();
    }
  }
  const uint64_t applied = state_machine_->LastApplied();
  bool capture = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (snapshot_every_ > 0 && !snapshot_in_progress_ &&
        applied >= last_snapshot_index_ + snapshot_every_) {
      snapshot_in_progress_ = true;
      capture = true;
    }
  }
  if (capture) {
    last_snapshot_index_ = applied;
    on_snapshot_(state_machine_->CaptureSnapshot(), applied_term_, conf_);
  }
}

void ApplyWorker::ReleaseWaiters() {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto end = waiters_.upper_bound(applied_);
    for (auto it = waiters_.begin(); it != end; ++it) ready.push_back(std::move(it->second));
    waiters_.erase(waiters_.begin(), end);
  }
  for (auto& done : ready) done();
}

}  // namespace coord::raft
