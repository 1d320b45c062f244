// Raft: the protocol state machine behind RawNode (internal; use RawNode).
//
// Implements leader election with randomized timeouts, pre-vote and check-quorum; log
// replication with fast backtracking and flow control; commitment only by counting entries of
// the current term (paper, Figure 8) with a no-op at the start of each term; ReadIndex;
// leadership transfer; chunked snapshot transfer; one-server-at-a-time membership changes
// with learners. Outgoing messages and read states accumulate in outboxes that RawNode drains
// into Ready batches.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "raft/config.h"
#include "raft/progress.h"
#include "raft/raft_log.h"
#include "raft/read_only.h"
#include "raft/ready.h"
#include "raft/rng.h"
#include "raft/status.h"

namespace coord::raft {

struct ProposalId;

class Raft {
 public:
  // `config` must be valid (Config::Validate).
  explicit Raft(const Config& config);

  void Tick();
  Status Step(const pb::Message& m);
  Result<std::pair<uint64_t, uint64_t>> Propose(std::string data, pb::EntryType type);
  // Appends several normal entries with one broadcast; returns the first one's (index, term).
  Result<std::pair<uint64_t, uint64_t>> ProposeBatch(std::vector<std::string> data);
  Status ReadIndex(std::string context);
  Status TransferLeadership(uint64_t to);
  // kTransfer campaigns skip pre-vote and override the voters' leader lease.
  enum class CampaignType { kPreElection, kElection, kTransfer };
  void Campaign(CampaignType type);

  // Called by RawNode::Advance once the application persisted and applied a Ready.
  void OnPersisted(uint64_t last_index, uint64_t last_term, std::optional<uint64_t> snapshot_index);
  void OnApplied(const std::vector<pb::Entry>& committed, std::optional<uint64_t> snapshot_index);

  // Outboxes drained into Ready.
  std::vector<pb::Message> TakeMessages() { return std::exchange(msgs_, {}); }
  std::vector<pb::Message> TakeMessagesAfterPersist() { return std::exchange(msgs_after_persist_, {}); }
  std::vector<ReadState> TakeReadStates() { return std::exchange(read_states_, {}); }
  bool HasOutbox() const { return !msgs_.empty() || !msgs_after_persist_.empty() || !read_states_.empty(); }

  RaftLog& log() { return log_; }
  const RaftLog& log() const { return log_; }
  uint64_t id() const { return id_; }
  uint64_t term() const { return term_; }
  uint64_t vote() const { return vote_; }
  uint64_t leader() const { return lead_; }
  Role role() const { return role_; }
  uint64_t lead_transferee() const { return lead_transferee_; }
  SoftState soft_state() const { return {lead_, role_}; }
  pb::HardState hard_state() const;
  pb::ConfState conf_state() const;
  const std::map<uint64_t, Progress>& progress() const { return prs_; }

 private:
  // Role transitions.
  void BecomeFollower(uint64_t term, uint64_t lead);
  void BecomePreCandidate();
  void BecomeCandidate();
  void BecomeLeader();
  void Reset(uint64_t term);
  void ResetRandomizedElectionTimeout();

  void TickElection();
  void TickHeartbeat();
  bool Promotable() const { return voters_.count(id_) > 0; }
  bool InLease() const;
  bool HasUnappliedConfChanges() const;

  Status ValidateMessage(const pb::Message& m) const;
  // Per-role message handling after term checks.
  void StepLeader(const pb::Message& m);
  void StepCandidate(const pb::Message& m);
  void StepFollower(const pb::Message& m);
  void HandleVoteRequest(const pb::Message& m);
  void HandleAppend(const pb::Message& m);
  void HandleHeartbeat(const pb::Message& m);
  void HandleSnapshotChunk(const pb::Message& m);
  void HandleAppendResponse(const pb::Message& m, Progress& pr);
  void HandleHeartbeatResponse(const pb::Message& m, Progress& pr);
  void HandleSnapshotResponse(const pb::Message& m, Progress& pr);
  void HandleReadIndexRequest(uint64_t from, std::string context);
  bool RestoreSnapshot(const pb::Snapshot& snapshot);

  // Leader replication.
  void AppendEntries(std::vector<pb::Entry> entries);
  bool MaybeSendAppend(uint64_t to, bool send_if_empty);
  void SendSnapshotChunk(uint64_t to, Progress& pr);
  void SendHeartbeat(uint64_t to, uint64_t read_round);
  void BroadcastAppend();
  void BroadcastHeartbeat(uint64_t read_round);
  bool MaybeCommit();
  bool CommittedInCurrentTerm() const;
  bool QuorumActive() const;
  void ReleaseReads();
  void StartPendingReads();

  // Membership.
  void SetMembership(const pb::ConfState& cs);
  void ApplyConfChange(const pb::ConfChange& cc);
  void AddProgress(uint64_t id, bool learner);
  void AbortLeaderTransfer() { lead_transferee_ = 0; }

  void Send(pb::Message m);
  std::string Describe() const;

  const Config config_;
  const uint64_t id_;
  uint64_t term_ = 0;
  uint64_t vote_ = 0;
  uint64_t lead_ = 0;
  Role role_ = Role::kFollower;
  RaftLog log_;
  Rng rng_;

  std::set<uint64_t> voters_;
  std::set<uint64_t> learners_;
  std::map<uint64_t, Progress> prs_;  // every member, self included (leader only)
  std::map<uint64_t, bool> votes_;

  int election_elapsed_ = 0;
  int heartbeat_elapsed_ = 0;
  int randomized_election_timeout_ = 0;

  uint64_t lead_transferee_ = 0;
  // Index of the latest conf change the leader proposed (or its term's no-op). Another change
  // is refused until this is applied: one change at a time, and never before the leader has
  // committed an entry of its own term (the dissertation's fix to single-server changes).
  uint64_t pending_conf_index_ = 0;

  ReadOnlyQueue read_only_;
  // Read requests that arrived before this leader committed an entry of its term.
  std::vector<std::pair<uint64_t, std::string>> reads_awaiting_commit_;

  // A snapshot being received in chunks: keyed by (leader, term, snapshot index).
  struct IncomingSnapshot {
    uint64_t from = 0;
    uint64_t term = 0;
    pb::SnapshotMetadata metadata;
    std::string data;
  };
  std::optional<IncomingSnapshot> incoming_snapshot_;

  std::vector<pb::Message> msgs_;
  std::vector<pb::Message> msgs_after_persist_;
  std::vector<ReadState> read_states_;
};

}  // namespace coord::raft
