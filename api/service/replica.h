// Replica: this node's Raft replica as the HTTP handlers see it. It proposes writes, obtains
// a read view at the requested consistency and calls the leader, each with a bounded wait,
// and turns every runtime outcome into an ApiResult.
//
// Bounded waits, never a hang:
//   - No leader (election in progress, minority side of a partition): the runtime refuses at
//     once (kProposalDropped: certainly not executed). The request is retried every
//     retry_interval until a leader takes it or leader_wait has passed: then 503 NO_LEADER.
//     Retrying is safe because a dropped proposal was never appended.
//   - The leader changes while a request is in flight (it may have died holding it): a read
//     or leader call is asked again of the new leader (both are free of side effects); a
//     write answers 503 TIMEOUT at once, its outcome unknown, instead of waiting out the
//     runtime's timeout for an answer that may never come.
//   - Otherwise the runtime's own timeouts bound the wait (RaftNodeOptions::propose_timeout,
//     read_timeout): 503 TIMEOUT. For a write the outcome is then unknown; a retry with the
//     same Idempotency-Key tells.
//   - The node stopping: 503 SHUTTING_DOWN.
//
// Writes: a write answered OK has been committed and applied on this node, and the view
// taken afterwards contains it. Linearizable reads: RaftNode::ReadBarrier (ReadIndex, served
// by any node), then the published view, whose zxid is at least the read index. Serializable
// reads: the published view at once, which may lag the leader.
//
// Time: NowMs() is this node's wall clock plus the test-only clock offset; the leader's duties
// stamp their commands with it, but time their lease deadlines with SteadyMs(). Client writes are stamped by the node that receives them
// (see docs/api.md, "Times").
//
// Threading: every member may be called from any thread. Completions (`done`) run on one of
// the replica's own completion threads, never on the Raft or apply thread, so they may build
// JSON and answer; each is called exactly once (an in-flight table decides between the
// runtime's answer and a leader change, whichever comes first). After Stop() completions are
// dropped, which answers a held Responder 500 (moot once the server has stopped).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "api/service/api_error.h"
#include "api/service/leader_watch.h"
#include "api/service/published_store.h"
#include "api/service/query_params.h"
#include "coord/command.pb.h"
#include "raft/runtime/raft_node.h"

namespace coord::api::service {

struct ReplicaOptions {
  // How long a request waits for a leader to appear before 503 NO_LEADER.
  std::chrono::milliseconds leader_wait{2000};
  // How often it asks again meanwhile; also how often leader changes are looked for.
  std::chrono::milliseconds retry_interval{50};
  // TEST ONLY: added to the wall clock (clock-fault injection).
  int64_t clock_offset_ms = 0;
  // TEST ONLY, breaks linearizability: linearizable reads skip the read barrier and answer
  // this node's applied state (the Jepsen bite test's deliberate bug).
  bool unsafe_local_reads = false;
  // Completion threads (timers, answers).
  int threads = 2;
};

class Replica {
 public:
  // `node`, `store` and `leader` (fed by the node's leader-change callback) must outlive the
  // Replica.
  Replica(raft::RaftNode* node, PublishedStore* store, const LeaderWatch* leader,
          ReplicaOptions options);
  ~Replica();
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  using WriteDone = std::function<void(ApiResult<store::pb::Response>)>;
  using ReadDone = std::function<void(ApiResult<ViewPtr>)>;
  using CallDone = std::function<void(ApiResult<std::string>)>;

  // Proposes `command` (waiting for a leader if there is none) and answers the state
  // machine's response once it is applied here. Store refusals are in the response, not
  // errors: only NO_LEADER, TIMEOUT, SHUTTING_DOWN and INTERNAL come as ApiErrors.
  void Write(const store::pb::Command& command, WriteDone done);

  void Read(Consistency consistency, ReadDone done);

  // A linearizable read barrier that does not wait for a leader and gives up after `within`
  // (for /ready).
  void BarrierWithin(std::chrono::milliseconds within, ReadDone done);

  // RaftNode::CallLeader, waiting for a leader as writes do.
  void CallLeader(std::string payload, CallDone done);

  // The latest applied state (serializable).
  ViewPtr View() const { return store_->Current(); }
  int64_t NowMs() const;
  // A monotonic clock (ms since an arbitrary start): for in-memory deadlines, such as the
  // leader's lease deadlines, that a wall-clock step must not move.
  static int64_t SteadyMs();
  raft::NodeStatus Status() const { return node_->status(); }
  uint64_t id() const { return node_->id(); }
  const store::Options& limits() const { return store_->options(); }
  raft::RaftNode& node() { return *node_; }

  // Runs `fn` on a completion thread after `delay` (for periodic duties); nothing after Stop.
  void RunAfter(std::chrono::milliseconds delay, std::function<void()> fn);

  // Cancels timers and joins the completion threads. Idempotent.
  void Stop();

 private:
  struct Impl;
  using Clock = std::chrono::steady_clock;

  // One attempt in flight: whoever removes it from the table (the runtime's answer, or the
  // sweep after a leader change) handles it.
  struct InFlight {
    uint64_t leader_changes;              // LeaderWatch::changes() when it was made
    std::function<void()> on_leader_change;
  };
  // Registers an attempt; returns its id.
  uint64_t Track(std::function<void()> on_leader_change);
  // Takes an attempt out of the table: false if the sweep already took it.
  bool Untrack(uint64_t id);
  // Periodically: hands every attempt older than the latest leader change to its handler.
  void Sweep();

  void AttemptWrite(std::shared_ptr<const std::string> bytes, Clock::time_point leader_deadline,
                    WriteDone done);
  void AttemptRead(Clock::time_point leader_deadline, ReadDone done);
  void AttemptCall(std::shared_ptr<const std::string> payload, Clock::time_point leader_deadline,
                   CallDone done);
  // Runs `fn` on a completion thread now.
  void Post(std::function<void()> fn);
  // Whether a refused attempt should be retried: a leader may still appear before `deadline`.
  static bool Retryable(const raft::Status& s, Clock::time_point deadline);

  raft::RaftNode* const node_;
  PublishedStore* const store_;
  const LeaderWatch* const leader_;
  const ReplicaOptions options_;
  std::unique_ptr<Impl> impl_;

  std::mutex mu_;
  uint64_t next_id_ = 1;                   // GUARDED_BY(mu_)
  std::map<uint64_t, InFlight> in_flight_;  // GUARDED_BY(mu_)
};

}  // namespace coord::api::service
