// RaftNode: the driver that turns the deterministic core into a live replica.
//
// One Raft thread owns the RawNode and the Storage: a timer gives Tick(); the transport's
// inbound messages, proposals and read requests are queued and drained in batches (so many
// concurrent proposals share one Ready and hence one fsync: group commit); each Ready is
// processed in the order ready.h prescribes (send, persist with fsync, send acknowledgements,
// hand committed entries to the apply thread, Advance). The apply thread (ApplyWorker)
// applies to the StateMachine; snapshots are serialized on a third thread and recorded by
// the Raft thread.
//
// Thread-safety: every public member may be called from any thread. Callbacks run on the
// apply thread or the Raft thread; they must not block.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "raft/raw_node.h"
#include "raft/runtime/apply_worker.h"
#include "raft/runtime/message_transport.h"
#include "raft/runtime/proposal_tracker.h"
#include "raft/state_machine.h"
#include "raft/storage/leveldb_storage.h"

namespace coord::raft {

struct RaftNodeOptions {
  uint64_t id = 1;
  std::chrono::milliseconds tick{100};
  int election_ticks = 10;   // election timeout = election_ticks * tick (randomized up to 2x)
  int heartbeat_ticks = 1;
  uint64_t snapshot_every = 10000;           // applied entries between snapshots (0: never)
  uint64_t snapshot_catchup_entries = 5000;  // entries kept behind a snapshot for slow peers
  std::chrono::milliseconds propose_timeout{5000};
  std::chrono::milliseconds read_timeout{5000};
  uint64_t max_size_per_msg = 1 << 20;
  int max_inflight_msgs = 256;
  uint64_t snapshot_chunk_size = 1 << 20;
  uint64_t seed = 0;  // election jitter; 0: derived from the clock
  // Peer addresses known at start (id -> host:port); later ones come with conf changes.
  std::map<uint64_t, std::string> peers;
};

// A consistent copy of the node's state for status pages and metrics.
struct NodeStatus {
  uint64_t id = 0;
  uint64_t term = 0;
  uint64_t leader = 0;
  Role role = Role::kFollower;
  uint64_t commit = 0;
  uint64_t applied = 0;
  uint64_t last_index = 0;
  pb::ConfState conf_state;
  std::map<uint64_t, ProgressView> progress;  // leader only
  std::map<uint64_t, std::string> peers;
  uint64_t leader_changes = 0;
  uint64_t snapshots_taken = 0;
  uint64_t snapshots_installed = 0;  // received from a leader
  uint64_t last_snapshot_bytes = 0;
  double last_snapshot_seconds = 0;
  uint64_t proposals_pending = 0;
  // While leader: the index of the first entry of its term (its no-op). A leader whose
  // applied index has reached it has applied everything earlier leaders committed; 0 when
  // not leader.
  uint64_t term_start_index = 0;
};

class RaftNode {
 public:
  // Leadership observed changing: the new leader (0: none) and term. Runs on the Raft thread.
  using LeaderCallback = std::function<void(uint64_t leader, uint64_t term)>;

  // Restores `state_machine` from storage's latest snapshot, then starts the threads.
  // `storage`, `state_machine` and `transport` must outlive the node.
  static Result<std::unique_ptr<RaftNode>> Start(const RaftNodeOptions& options,
                                                 LeveldbStorage* storage,
                                                 StateMachine* state_machine,
                                                 MessageTransport* transport,
                                                 LeaderCallback on_leader_change = nullptr);
  ~RaftNode();
  RaftNode(const RaftNode&) = delete;
  RaftNode& operator=(const RaftNode&) = delete;

  // Delivers a message from a peer.
  void Step(pb::Message message);

  // Replicates `command` and calls `done` with the state machine's response once applied
  // here. Works on any node: a follower forwards the command to the leader over the peer
  // link and still answers from its own apply. Errors: kNotLeader (with leader hint) / kProposalDropped: certainly not applied;
  // kTimeout / kShutdown: outcome unknown.
  void Propose(std::string command, ProposalTracker::Callback done);

  // Like Propose, but appended only if this node is still the leader of `term` when the
  // proposal reaches the Raft thread; never forwarded. Otherwise `done` gets kNotLeader and
  // nothing is appended. For decisions that only the leader of one term may take (lease
  // expiry): a deposed leader that has not yet heard of its successor must not have its
  // stale decision committed by that successor.
  void ProposeInTerm(std::string command, uint64_t term, ProposalTracker::Callback done);

  // Linearizable read barrier: `done(Ok)` once this replica has applied every write committed
  // before the call (ReadIndex, confirmed by a quorum). Errors: kProposalDropped (no leader),
  // kTimeout, kShutdown. Many concurrent reads share one heartbeat round.
  void ReadBarrier(std::function<void(Status)> done);

  // Leader calls: a small request answered by the leader's handler without a log entry (for
  // state only the leader keeps, such as lease deadlines). From a follower it travels over
  // the peer link. `done` gets the handler's answer, or kProposalDropped (no leader / the
  // receiver was not the leader: not handled), kTimeout (unknown), kShutdown.
  using LeaderCallHandler = std::function<Result<std::string>(std::string_view payload)>;
  // Runs on the Raft thread; must be quick and not block. Set before Start's first traffic.
  void SetLeaderCallHandler(LeaderCallHandler handler);
  void CallLeader(std::string payload, std::function<void(Result<std::string>)> done);

  // Proposes a membership change; `address` is the peer address of an added node.
  void ChangeMembership(pb::ConfChangeType type, uint64_t node, const std::string& address,
                        std::function<void(Status)> done);
  void TransferLeadership(uint64_t to, std::function<void(Status)> done);

  NodeStatus status() const;
  // NodeStatus::term_start_index alone, without copying the status (read per keepalive).
  uint64_t term_start_index() const { return term_start_index_.load(std::memory_order_acquire); }
  uint64_t id() const { return options_.id; }

  // Stops ticking and serving; pending requests fail with kShutdown. Idempotent.
  void Stop();

 private:
  RaftNode(const RaftNodeOptions& options, LeveldbStorage* storage, StateMachine* state_machine,
           MessageTransport* transport, LeaderCallback on_leader_change);

  struct PendingProposal {
    std::string command;
    ProposalTracker::Callback done;
    uint64_t only_in_term = 0;  // 0: any leader, forwarded from a follower
  };
  struct ForwardedBatch {
    std::vector<ProposalTracker::Callback> callbacks;
    std::chrono::steady_clock::time_point deadline;
  };
  struct PendingRead {
    std::vector<std::function<void(Status)>> waiters;
    std::chrono::steady_clock::time_point deadline;
  };

  void ScheduleDrain();  // REQUIRES: mu_ held
  void Drain();
  void ProposeOrForward(std::vector<PendingProposal> proposals);
  // Drops (kNotLeader) the term-fenced proposals whose term is not this leader's current one.
  void DropStaleTermProposals(std::vector<PendingProposal>& proposals);
  void HandleForwardedProposal(const pb::Message& m);
  void HandleForwardResponse(const pb::Message& m);
  void HandleLeaderCall(const pb::Message& m);
  void HandleLeaderCallResponse(const pb::Message& m);
  void ExpireLeaderCalls(std::chrono::steady_clock::time_point now);
  void OnTick();
  void ProcessReady();
  void HandleCommittedConfChanges(const std::vector<pb::Entry>& committed);
  // Returns how many of rd.committed_entries (a prefix) went to the apply thread.
  size_t HandOverDurableCommitted(const Ready& rd);
  void PersistReady(const Ready& rd);
  void OnSnapshotCaptured(std::unique_ptr<SnapshotWriter> writer, uint64_t term,
                          pb::ConfState conf);
  void RecordSnapshot(LeveldbStorage::PreparedSnapshot prepared, uint64_t bytes, double seconds);
  void ExpireReads(std::chrono::steady_clock::time_point now);
  void ExpireForwards(std::chrono::steady_clock::time_point now);
  void RefreshStatus();

  const RaftNodeOptions options_;
  LeveldbStorage* const storage_;        // Raft thread only
  StateMachine* const state_machine_;    // apply thread only (after Start)
  MessageTransport* const transport_;
  const LeaderCallback on_leader_change_;

  // Raft thread state.
  boost::asio::io_context io_;
  boost::asio::steady_timer ticker_;
  std::unique_ptr<RawNode> raw_;
  SoftState soft_state_;
  uint64_t reported_leader_ = 0;  // the (leader, term) last passed to on_leader_change_
  uint64_t reported_term_ = 0;
  std::atomic<uint64_t> term_start_index_{0};  // written by the Raft thread, read by any
  // A hard state whose only change is a higher commit index, not yet written: it rides on the
  // next synced write (see PersistReady).
  std::optional<pb::HardState> deferred_commit_;
  uint64_t next_read_context_ = 1;
  std::map<std::string, PendingRead> reads_in_flight_;
  uint64_t next_forward_id_ = 1;
  std::map<std::string, ForwardedBatch> forwarded_;  // proposals handed to the leader
  struct PendingCall {
    std::function<void(Result<std::string>)> done;
    std::chrono::steady_clock::time_point deadline;
  };
  std::map<std::string, PendingCall> leader_calls_;  // calls sent to the leader
  uint64_t next_call_id_ = 1;
  LeaderCallHandler leader_call_handler_;
  std::map<uint64_t, std::string> peers_;

  ProposalTracker proposals_;
  std::unique_ptr<ApplyWorker> apply_;

  // The inbox, filled by any thread and drained by the Raft thread.
  mutable std::mutex mu_;
  std::vector<pb::Message> inbox_messages_;          // GUARDED_BY(mu_)
  std::vector<PendingProposal> inbox_proposals_;     // GUARDED_BY(mu_)
  std::vector<std::function<void(Status)>> inbox_reads_;  // GUARDED_BY(mu_)
  bool drain_scheduled_ = false;                     // GUARDED_BY(mu_)
  bool stopped_ = false;                             // GUARDED_BY(mu_)
  NodeStatus status_;                                // GUARDED_BY(mu_)

  std::thread raft_thread_;
  std::thread snapshot_thread_;  // at most one snapshot serialization at a time
};

}  // namespace coord::raft
