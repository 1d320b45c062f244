// RawNode: the public face of the Raft core.
//
// A pure state machine: it takes ticks, messages and requests, and returns Ready batches (see
// ready.h for what to do with them). It has no threads, sockets, clocks or files and uses no
// randomness but its own seeded Rng, so a run is replayed exactly from its inputs.
//
// Thread-safety: none. One thread (or strand) owns a RawNode and makes every call.
//
// Proposals: Propose() returns the (index, term) the entry was appended at. The proposal took
// effect if and only if the entry committed at that index has that term; when the application
// sees a committed entry at `index` with a different term, the proposal was dropped (its
// leader was deposed) and it must report so to the proposer.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "raft/config.h"
#include "raft/raft.pb.h"
#include "raft/ready.h"
#include "raft/status.h"

namespace coord::raft {

class Raft;

struct ProposalId {
  uint64_t index = 0;
  uint64_t term = 0;
};

// A leader's view of one follower's replication, for observability.
struct ProgressView {
  uint64_t match = 0;
  uint64_t next = 0;
  const char* state = "";
  bool is_learner = false;
  bool recent_active = false;
};

struct StatusView {
  uint64_t id = 0;
  uint64_t term = 0;
  uint64_t vote = 0;
  uint64_t leader = 0;
  Role role = Role::kFollower;
  uint64_t commit = 0;
  uint64_t applied = 0;
  uint64_t last_index = 0;
  uint64_t lead_transferee = 0;
  pb::ConfState conf_state;
  std::map<uint64_t, ProgressView> progress;  // only on the leader
};

class RawNode {
 public:
  // Restores term, vote, commit and membership from config.storage. A new cluster's Storage
  // reports the initial voters in its ConfState.
  static Result<std::unique_ptr<RawNode>> Create(const Config& config);
  ~RawNode();
  RawNode(const RawNode&) = delete;
  RawNode& operator=(const RawNode&) = delete;

  // Advances the logical clock by one tick (election and heartbeat timing are in ticks).
  void Tick();

  // Delivers a message from a peer. Messages for other terms are handled per the protocol;
  // malformed ones are rejected with kInvalidArgument.
  Status Step(const pb::Message& message);

  // Appends a command to the log. Leader only: otherwise kNotLeader with a leader hint.
  // kProposalDropped while a leadership transfer is in progress.
  Result<ProposalId> Propose(std::string data);
  // Appends several commands at consecutive indexes with one round of appends (group commit
  // at the protocol level). Returns the first command's id; command k is at index + k.
  Result<ProposalId> ProposeBatch(std::vector<std::string> data);

  // Proposes a one-server membership change. Leader only; kBusy while a previous change (or
  // the no-op of the leader's own term) is not yet applied.
  Result<ProposalId> ProposeConfChange(const pb::ConfChange& change);

  // Requests a linearizable read point. The answer arrives as a ReadState carrying `context`
  // in a later Ready. Works on followers by asking the leader; fails with kProposalDropped
  // when no leader is known. A request may be lost with its leader: callers need a timeout.
  Status ReadIndex(std::string context);

  // Hands leadership to `to` (a voter) once it is caught up. Leader only.
  Status TransferLeadership(uint64_t to);

  // Starts an election now (tests and single-node bootstrap).
  void Campaign();

  bool HasReady() const;
  Ready GetReady();
  // Acknowledges that everything in `ready` was done (see ready.h).
  void Advance(const Ready& ready);

  StatusView GetStatus() const;
  uint64_t id() const;
  uint64_t leader() const;
  Role role() const;
  uint64_t term() const;

 private:
  explicit RawNode(std::unique_ptr<Raft> raft);

  std::unique_ptr<Raft> raft_;
  SoftState prev_soft_state_;
  pb::HardState prev_hard_state_;
};

}  // namespace coord::raft
