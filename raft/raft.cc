#include "raft/raft.h"

#include <algorithm>
#include <string>

#include "raft/invariant.h"
#include "raft/quorum.h"

namespace coord::raft {

namespace {

bool IsResponseNeedingDurability(pb::MessageType type) {
  // A vote request promises the candidate's own vote; a granted vote and an append
  // acknowledgement promise what this node stored. Each must be durable before it is sent.
  switch (type) {
    case pb::MSG_VOTE:
    case pb::MSG_VOTE_RESP:
    case pb::MSG_APPEND_RESP:
    case pb::MSG_SNAPSHOT_RESP:
      return true;
    default:
      return false;
  }
}

}  // namespace

// Peers are trusted to run this code, but a message is still checked before it can reach an
// invariant: a corrupt frame must be refused, not crash the node.
Status Raft::ValidateMessage(const pb::Message& m) const {
  if (m.from() == 0 || m.from() == id_) return Status::InvalidArgument("bad sender");
  if (m.to() != id_) return Status::InvalidArgument("message addressed to another node");
  if (m.term() == 0) return Status::InvalidArgument("message without a term");
  if (m.type() == pb::MSG_APPEND) {
    uint64_t expected = m.index() + 1;
    uint64_t prev_term = m.log_term();
    for (const pb::Entry& e : m.entries()) {
      if (e.index() != expected++ || e.term() < prev_term || e.term() > m.term()) {
        return Status::InvalidArgument("append entries are not contiguous");
      }
      prev_term = e.term();
    }
    if (m.log_term() > m.term()) return Status::InvalidArgument("append log term too new");
  }
  if (m.type() == pb::MSG_SNAPSHOT && m.snapshot().metadata().index() == 0) {
    return Status::InvalidArgument("snapshot chunk without metadata");
  }
  return Status::Ok();
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kFollower: return "follower";
    case Role::kPreCandidate: return "pre-candidate";
    case Role::kCandidate: return "candidate";
    case Role::kLeader: return "leader";
  }
  return "unknown";
}

Raft::Raft(const Config& config)
    : config_(config), id_(config.id), log_(config.storage, config.max_committed_size_per_ready),
      rng_(config.seed ^ (config.id * 0x9e3779b97f4a7c15ULL)) {
  Result<InitialState> initial = config.storage->GetInitialState();
  COORD_INVARIANT(initial.ok(), "storage-initial-state", initial.status().ToString());
  const pb::HardState& hs = initial->hard_state;
  term_ = hs.term();
  vote_ = hs.vote();
  if (hs.commit() > 0) log_.CommitTo(hs.commit());
  if (config.applied > log_.applied()) log_.AppliedTo(std::min(config.applied, log_.committed()));
  SetMembership(initial->conf_state);
  BecomeFollower(term_, 0);
}

pb::HardState Raft::hard_state() const {
  pb::HardState hs;
  hs.set_term(term_);
  hs.set_vote(vote_);
  hs.set_commit(log_.committed());
  return hs;
}

pb::ConfState Raft::conf_state() const {
  pb::ConfState cs;
  for (uint64_t v : voters_) cs.add_voters(v);
  for (uint64_t l : learners_) cs.add_learners(l);
  return cs;
}

// ---------------------------------------------------------------------------------------------
// Role transitions

void Raft::Reset(uint64_t term) {
  if (term_ != term) {
    term_ = term;
    vote_ = 0;
  }
  lead_ = 0;
  election_elapsed_ = 0;
  heartbeat_elapsed_ = 0;
  ResetRandomizedElectionTimeout();
  AbortLeaderTransfer();
  votes_.clear();
  for (auto& [id, pr] : prs_) {
    const bool learner = pr.is_learner;
    pr = Progress(log_.LastIndex() + 1, config_.max_inflight_msgs, 0);
    pr.is_learner = learner;
    if (id == id_) pr.match = log_.LastStableIndex();
  }
  pending_conf_index_ = 0;
  read_only_.Reset();
  reads_awaiting_commit_.clear();
}

void Raft::ResetRandomizedElectionTimeout() {
  randomized_election_timeout_ =
      config_.election_tick + static_cast<int>(rng_.Uniform(config_.election_tick));
}

void Raft::BecomeFollower(uint64_t term, uint64_t lead) {
  Reset(term);
  lead_ = lead;
  role_ = Role::kFollower;
}

void Raft::BecomePreCandidate() {
  COORD_INVARIANT(role_ != Role::kLeader, "no-pre-candidate-from-leader", Describe());
  // Pre-vote changes neither term nor vote: a node that cannot win does not disrupt others.
  votes_.clear();
  lead_ = 0;
  role_ = Role::kPreCandidate;
}

void Raft::BecomeCandidate() {
  COORD_INVARIANT(role_ != Role::kLeader, "no-candidate-from-leader", Describe());
  Reset(term_ + 1);
  vote_ = id_;
  role_ = Role::kCandidate;
}

void Raft::BecomeLeader() {
  COORD_INVARIANT(role_ == Role::kCandidate, "leader-from-candidate", Describe());
  Reset(term_);
  lead_ = id_;
  role_ = Role::kLeader;
  for (auto& [id, pr] : prs_) {
    // Followers start in probe; the leader's own entry is trivially in sync.
    if (id == id_) pr.BecomeReplicate();
    pr.recent_active = true;
  }
  prs_.at(id_).match = log_.LastStableIndex();
  // The no-op commits everything of earlier terms (paper section 8) and marks the earliest
  // point at which a membership change may be proposed.
  pb::Entry noop;
  AppendEntries({noop});
  pending_conf_index_ = log_.LastIndex();
}

// ---------------------------------------------------------------------------------------------
// Ticks

void Raft::Tick() {
  if (role_ == Role::kLeader) {
    TickHeartbeat();
  } else {
    TickElection();
  }
}

void Raft::TickElection() {
  ++election_elapsed_;
  if (Promotable() && election_elapsed_ >= randomized_election_timeout_) {
    election_elapsed_ = 0;
    Campaign(config_.pre_vote ? CampaignType::kPreElection : CampaignType::kElection);
  }
}

void Raft::TickHeartbeat() {
  ++heartbeat_elapsed_;
  ++election_elapsed_;
  if (election_elapsed_ >= config_.election_tick) {
    election_elapsed_ = 0;
    if (config_.check_quorum) {
      if (!QuorumActive()) {
        BecomeFollower(term_, 0);
        return;
      }
      for (auto& [id, pr] : prs_) {
        if (id != id_) pr.recent_active = false;
      }
    }
    // A transfer that did not finish within an election timeout is abandoned.
    AbortLeaderTransfer();
  }
  if (heartbeat_elapsed_ >= config_.heartbeat_tick) {
    heartbeat_elapsed_ = 0;
    BroadcastHeartbeat(0);
  }
}

bool Raft::QuorumActive() const {
  size_t active = 0;
  for (uint64_t v : voters_) {
    auto it = prs_.find(v);
    if (v == id_ || (it != prs_.end() && it->second.recent_active)) ++active;
  }
  return active >= MajoritySize(voters_.size());
}

// While a follower hears from a leader (within the minimum election timeout), it refuses to
// help anyone else start an election: a partitioned node coming back cannot depose a healthy
// leader (dissertation section 4.2.3).
bool Raft::InLease() const {
  return config_.check_quorum && lead_ != 0 && election_elapsed_ < config_.election_tick;
}

// ---------------------------------------------------------------------------------------------
// Elections

bool Raft::HasUnappliedConfChanges() const {
  if (log_.applied() >= log_.committed()) return false;
  Result<std::vector<pb::Entry>> pending =
      log_.Slice(std::max(log_.applied() + 1, log_.FirstIndex()), log_.committed() + 1,
                 UINT64_MAX);
  if (!pending.ok()) return true;  // cannot tell: be conservative
  for (const pb::Entry& e : *pending) {
    if (e.type() == pb::ENTRY_CONF_CHANGE) return true;
  }
  return false;
}

void Raft::Campaign(CampaignType type) {
  if (!Promotable() || role_ == Role::kLeader) return;
  // Our membership is that of the applied index. A committed but unapplied change means we
  // would count votes against a stale configuration, possibly disjoint from the current
  // one's quorums after a restart: wait until it is applied.
  if (HasUnappliedConfChanges()) return;
  uint64_t vote_term;
  pb::MessageType vote_type;
  if (type == CampaignType::kPreElection) {
    BecomePreCandidate();
    vote_term = term_ + 1;
    vote_type = pb::MSG_PRE_VOTE;
  } else {
    BecomeCandidate();
    vote_term = term_;
    vote_type = pb::MSG_VOTE;
  }
  votes_[id_] = true;
  if (TallyVotes(voters_.size(), 1, 0) == VoteResult::kWon) {
    if (type == CampaignType::kPreElection) {
      Campaign(CampaignType::kElection);
    } else {
      BecomeLeader();
    }
    return;
  }
  for (uint64_t v : voters_) {
    if (v == id_) continue;
    pb::Message m;
    m.set_type(vote_type);
    m.set_to(v);
    m.set_term(vote_term);
    m.set_index(log_.LastIndex());
    m.set_log_term(log_.LastTerm());
    m.set_force(type == CampaignType::kTransfer);
    Send(std::move(m));
  }
}

void Raft::HandleVoteRequest(const pb::Message& m) {
  const bool pre = m.type() == pb::MSG_PRE_VOTE;
  // We may vote for `from` if we already did this term, or have not voted and know no
  // leader; a pre-vote for a future term is always considered.
  const bool can_vote = vote_ == m.from() || (vote_ == 0 && lead_ == 0) ||
                        (pre && m.term() > term_);
  const bool log_ok = config_.bugs.skip_vote_log_check || log_.IsUpToDate(m.index(), m.log_term());
  pb::Message resp;
  resp.set_to(m.from());
  resp.set_type(pre ? pb::MSG_PRE_VOTE_RESP : pb::MSG_VOTE_RESP);
  if (can_vote && log_ok) {
    // A granted pre-vote answers in the candidate's future term so it is not ignored.
    resp.set_term(m.term());
    if (!pre) {
      election_elapsed_ = 0;
      vote_ = m.from();
    }
  } else {
    resp.set_term(term_);
    resp.set_reject(true);
  }
  Send(std::move(resp));
}

// ---------------------------------------------------------------------------------------------
// Step

Status Raft::Step(const pb::Message& m) {
  if (Status valid = ValidateMessage(m); !valid.ok()) return valid;
  const pb::MessageType type = m.type();
  if (m.term() > term_) {
    const bool vote_request = type == pb::MSG_VOTE || type == pb::MSG_PRE_VOTE;
    if (vote_request && !m.force() && InLease()) {
      return Status::Ok();  // ignore: we have a live leader
    }
    if (type == pb::MSG_PRE_VOTE || (type == pb::MSG_PRE_VOTE_RESP && !m.reject())) {
      // Pre-votes never change terms; a granted pre-vote response carries the future term.
    } else if (type == pb::MSG_APPEND || type == pb::MSG_HEARTBEAT || type == pb::MSG_SNAPSHOT) {
      BecomeFollower(m.term(), m.from());
    } else {
      BecomeFollower(m.term(), 0);
    }
  } else if (m.term() < term_) {
    if ((config_.check_quorum || config_.pre_vote) &&
        (type == pb::MSG_HEARTBEAT || type == pb::MSG_APPEND)) {
      // A stale leader (e.g. one that was partitioned) learns of the newer term from this
      // and steps down; without the reply it might never hear of it under pre-vote.
      pb::Message resp;
      resp.set_to(m.from());
      resp.set_type(pb::MSG_APPEND_RESP);
      resp.set_term(term_);
      Send(std::move(resp));
    } else if (type == pb::MSG_PRE_VOTE) {
      pb::Message resp;
      resp.set_to(m.from());
      resp.set_type(pb::MSG_PRE_VOTE_RESP);
      resp.set_term(term_);
      resp.set_reject(true);
      Send(std::move(resp));
    }
    return Status::Ok();
  }

  if (type == pb::MSG_VOTE || type == pb::MSG_PRE_VOTE) {
    HandleVoteRequest(m);
    return Status::Ok();
  }
  switch (role_) {
    case Role::kLeader: StepLeader(m); break;
    case Role::kPreCandidate:
    case Role::kCandidate: StepCandidate(m); break;
    case Role::kFollower: StepFollower(m); break;
  }
  return Status::Ok();
}

void Raft::StepLeader(const pb::Message& m) {
  auto it = prs_.find(m.from());
  if (m.type() == pb::MSG_READ_INDEX) {
    if (it != prs_.end()) HandleReadIndexRequest(m.from(), m.context());
    return;
  }
  if (it == prs_.end()) return;  // not a member (any more)
  Progress& pr = it->second;
  switch (m.type()) {
    case pb::MSG_APPEND_RESP: HandleAppendResponse(m, pr); break;
    case pb::MSG_HEARTBEAT_RESP: HandleHeartbeatResponse(m, pr); break;
    case pb::MSG_SNAPSHOT_RESP: HandleSnapshotResponse(m, pr); break;
    default: break;
  }
}

void Raft::StepCandidate(const pb::Message& m) {
  const pb::MessageType expected =
      role_ == Role::kPreCandidate ? pb::MSG_PRE_VOTE_RESP : pb::MSG_VOTE_RESP;
  switch (m.type()) {
    case pb::MSG_APPEND:
      BecomeFollower(m.term(), m.from());
      HandleAppend(m);
      return;
    case pb::MSG_HEARTBEAT:
      BecomeFollower(m.term(), m.from());
      HandleHeartbeat(m);
      return;
    case pb::MSG_SNAPSHOT:
      BecomeFollower(m.term(), m.from());
      HandleSnapshotChunk(m);
      return;
    default:
      break;
  }
  if (m.type() != expected) return;
  if (voters_.count(m.from()) == 0) return;
  votes_.emplace(m.from(), !m.reject());
  size_t granted = 0;
  for (const auto& [id, g] : votes_) {
    if (g && voters_.count(id)) ++granted;
  }
  const size_t rejected = votes_.size() - granted;
  switch (TallyVotes(voters_.size(), granted, rejected)) {
    case VoteResult::kWon:
      if (role_ == Role::kPreCandidate) {
        Campaign(CampaignType::kElection);
      } else {
        BecomeLeader();
      }
      break;
    case VoteResult::kLost:
      BecomeFollower(term_, 0);
      break;
    case VoteResult::kPending:
      break;
  }
}

void Raft::StepFollower(const pb::Message& m) {
  switch (m.type()) {
    case pb::MSG_APPEND:
      election_elapsed_ = 0;
      lead_ = m.from();
      HandleAppend(m);
      break;
    case pb::MSG_HEARTBEAT:
      election_elapsed_ = 0;
      lead_ = m.from();
      HandleHeartbeat(m);
      break;
    case pb::MSG_SNAPSHOT:
      election_elapsed_ = 0;
      lead_ = m.from();
      HandleSnapshotChunk(m);
      break;
    case pb::MSG_TIMEOUT_NOW:
      // The leader asked us to take over: campaign at once, overriding leases.
      Campaign(CampaignType::kTransfer);
      break;
    case pb::MSG_READ_INDEX_RESP:
      read_states_.push_back(ReadState{m.index(), m.context()});
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Follower side of replication

void Raft::HandleAppend(const pb::Message& m) {
  pb::Message resp;
  resp.set_to(m.from());
  resp.set_type(pb::MSG_APPEND_RESP);
  if (m.index() < log_.committed()) {
    // Everything up to our commit index already matches the leader's log.
    resp.set_index(log_.committed());
    Send(std::move(resp));
    return;
  }
  std::optional<uint64_t> last_new =
      log_.MaybeAppend(m.index(), m.log_term(), m.commit(), m.entries());
  if (last_new) {
    resp.set_index(*last_new);
    Send(std::move(resp));
    return;
  }
  // Tell the leader where our logs may match: the last index at or below the probe whose term
  // is not newer than the leader's term there; every entry after it is certainly different.
  auto [hint_index, hint_term] = log_.FindConflictByTerm(m.index(), m.log_term());
  resp.set_index(m.index());
  resp.set_reject(true);
  resp.set_reject_hint(hint_index);
  resp.set_hint_term(hint_term);
  Send(std::move(resp));
}

void Raft::HandleHeartbeat(const pb::Message& m) {
  log_.CommitTo(std::min(m.commit(), log_.LastIndex()));
  pb::Message resp;
  resp.set_to(m.from());
  resp.set_type(pb::MSG_HEARTBEAT_RESP);
  resp.set_read_round(m.read_round());
  Send(std::move(resp));
}

void Raft::HandleSnapshotChunk(const pb::Message& m) {
  const pb::SnapshotChunk& chunk = m.snapshot();
  const uint64_t snap_index = chunk.metadata().index();
  if (snap_index <= log_.committed()) {
    // We already have everything the snapshot covers: tell the leader where to resume.
    incoming_snapshot_.reset();
    pb::Message resp;
    resp.set_to(m.from());
    resp.set_type(pb::MSG_APPEND_RESP);
    resp.set_index(log_.committed());
    Send(std::move(resp));
    return;
  }
  const bool same_transfer = incoming_snapshot_ && incoming_snapshot_->from == m.from() &&
                             incoming_snapshot_->term == m.term() &&
                             incoming_snapshot_->metadata.index() == snap_index;
  if (chunk.offset() == 0 && !(same_transfer && !incoming_snapshot_->data.empty())) {
    incoming_snapshot_ = IncomingSnapshot{m.from(), m.term(), chunk.metadata(), {}};
  } else if (!same_transfer || chunk.offset() != incoming_snapshot_->data.size()) {
    // Out of order or a duplicate: say where we are so the leader resends from there.
    pb::Message resp;
    resp.set_to(m.from());
    resp.set_type(pb::MSG_SNAPSHOT_RESP);
    resp.set_index(snap_index);
    pb::SnapshotChunk* ack = resp.mutable_snapshot();
    ack->set_offset(same_transfer ? incoming_snapshot_->data.size() : 0);
    Send(std::move(resp));
    return;
  }
  incoming_snapshot_->data.append(chunk.data());
  if (!chunk.last()) {
    pb::Message resp;
    resp.set_to(m.from());
    resp.set_type(pb::MSG_SNAPSHOT_RESP);
    resp.set_index(snap_index);
    resp.mutable_snapshot()->set_offset(incoming_snapshot_->data.size());
    Send(std::move(resp));
    return;
  }
  pb::Snapshot snapshot;
  *snapshot.mutable_metadata() = incoming_snapshot_->metadata;
  snapshot.set_data(std::move(incoming_snapshot_->data));
  incoming_snapshot_.reset();
  // After a restore our log ends at the snapshot; otherwise we only know it matches up to
  // the (now committed) snapshot point.
  const bool restored = RestoreSnapshot(snapshot);
  pb::Message resp;
  resp.set_to(m.from());
  resp.set_type(pb::MSG_APPEND_RESP);
  resp.set_index(restored ? log_.LastIndex() : log_.committed());
  Send(std::move(resp));
}

bool Raft::RestoreSnapshot(const pb::Snapshot& snapshot) {
  const pb::SnapshotMetadata& meta = snapshot.metadata();
  if (meta.index() <= log_.committed()) return false;
  if (log_.MatchTerm(meta.index(), meta.term())) {
    // Our log already contains the snapshot's last entry: just learn that it is committed.
    log_.CommitTo(meta.index());
    return false;
  }
  log_.Restore(snapshot);
  SetMembership(meta.conf_state());
  return true;
}

// ---------------------------------------------------------------------------------------------
// Leader side of replication

void Raft::AppendEntries(std::vector<pb::Entry> entries) {
  uint64_t index = log_.LastIndex();
  for (pb::Entry& e : entries) {
    e.set_term(term_);
    e.set_index(++index);
  }
  log_.Append(std::move(entries));
  // The leader's own match advances only once the entries are durable (OnPersisted).
  BroadcastAppend();
}

bool Raft::MaybeSendAppend(uint64_t to, bool send_if_empty) {
  Progress& pr = prs_.at(to);
  if (pr.IsPaused()) return false;
  Result<uint64_t> prev_term = log_.Term(pr.next - 1);
  Result<std::vector<pb::Entry>> entries =
      log_.Slice(pr.next, log_.LastIndex() + 1, config_.max_size_per_msg);
  if (!prev_term.ok() || !entries.ok()) {
    // What the follower needs is compacted: send the snapshot instead, if it is reachable.
    if (!pr.recent_active) return false;
    Result<pb::Snapshot> snap = log_.Snapshot();
    if (!snap.ok()) return false;  // being produced; retried on the next heartbeat response
    pr.BecomeSnapshot(std::make_shared<const pb::Snapshot>(std::move(*snap)));
    SendSnapshotChunk(to, pr);
    return true;
  }
  if (entries->empty() && !send_if_empty) return false;
  pb::Message m;
  m.set_to(to);
  m.set_type(pb::MSG_APPEND);
  m.set_index(pr.next - 1);
  m.set_log_term(*prev_term);
  m.set_commit(log_.committed());
  uint64_t bytes = 0;
  for (pb::Entry& e : *entries) {
    bytes += e.ByteSizeLong();
    *m.add_entries() = std::move(e);
  }
  if (m.entries_size() > 0) {
    pr.SentEntries(m.entries(m.entries_size() - 1).index(), bytes);
  } else if (pr.state == ProgressState::kProbe) {
    pr.probe_sent = true;
  }
  Send(std::move(m));
  return true;
}

void Raft::SendSnapshotChunk(uint64_t to, Progress& pr) {
  const pb::Snapshot& snap = *pr.snapshot;
  const uint64_t size = snap.data().size();
  const uint64_t offset = std::min<uint64_t>(pr.snapshot_acked, size);
  const uint64_t len = std::min<uint64_t>(config_.snapshot_chunk_size, size - offset);
  pb::Message m;
  m.set_to(to);
  m.set_type(pb::MSG_SNAPSHOT);
  pb::SnapshotChunk* chunk = m.mutable_snapshot();
  *chunk->mutable_metadata() = snap.metadata();
  chunk->set_offset(offset);
  chunk->set_data(snap.data().substr(offset, len));
  chunk->set_last(offset + len >= size);
  chunk->set_total_size(size);
  Send(std::move(m));
}

void Raft::SendHeartbeat(uint64_t to, uint64_t read_round) {
  const Progress& pr = prs_.at(to);
  pb::Message m;
  m.set_to(to);
  m.set_type(pb::MSG_HEARTBEAT);
  // Never tell a follower to commit beyond what it is known to store: its log past `match`
  // may still differ from ours.
  m.set_commit(std::min(pr.match, log_.committed()));
  m.set_read_round(read_round);
  Send(std::move(m));
}

void Raft::BroadcastAppend() {
  for (const auto& [id, pr] : prs_) {
    if (id != id_) MaybeSendAppend(id, true);
  }
}

void Raft::BroadcastHeartbeat(uint64_t read_round) {
  for (const auto& [id, pr] : prs_) {
    if (id != id_) SendHeartbeat(id, read_round);
  }
}

bool Raft::MaybeCommit() {
  const uint64_t index =
      QuorumValue(voters_, [&](uint64_t id) { return prs_.at(id).match; });
  if (index <= log_.committed()) return false;
  // Figure 8: only an entry of the current term is committed by counting replicas; earlier
  // entries commit indirectly with it.
  if (log_.TermOrZero(index) != term_ && !config_.bugs.commit_previous_term_by_count) {
    return false;
  }
  const bool first_commit_in_term = !CommittedInCurrentTerm();
  log_.CommitTo(index);
  if (first_commit_in_term && CommittedInCurrentTerm()) StartPendingReads();
  return true;
}

bool Raft::CommittedInCurrentTerm() const {
  return log_.TermOrZero(log_.committed()) == term_;
}

void Raft::HandleAppendResponse(const pb::Message& m, Progress& pr) {
  pr.recent_active = true;
  if (m.reject()) {
    uint64_t hint = m.reject_hint();
    if (m.hint_term() > 0) {
      // Skip every entry of ours whose term the follower cannot have.
      hint = log_.FindConflictByTerm(m.reject_hint(), m.hint_term()).first;
    }
    if (pr.MaybeDecrTo(m.index(), hint)) {
      if (pr.state == ProgressState::kReplicate) pr.BecomeProbe();
      MaybeSendAppend(m.from(), true);
    }
    return;
  }
  const bool was_paused = pr.IsPaused();
  if (!pr.MaybeUpdate(m.index())) {
    // A stale or duplicate acknowledgement may still mean the snapshot was installed.
    if (pr.state == ProgressState::kSnapshot && pr.match >= pr.snapshot->metadata().index()) {
      pr.BecomeProbe();
      MaybeSendAppend(m.from(), true);
    }
    return;
  }
  switch (pr.state) {
    case ProgressState::kProbe:
      pr.BecomeReplicate();
      break;
    case ProgressState::kSnapshot:
      if (pr.match >= pr.snapshot->metadata().index()) pr.BecomeProbe();
      break;
    case ProgressState::kReplicate:
      pr.inflights.FreeLE(m.index());
      break;
  }
  if (MaybeCommit()) {
    BroadcastAppend();
  } else if (was_paused && pr.state != ProgressState::kSnapshot) {
    // While paused the follower missed commit updates: send one now, even if empty.
    MaybeSendAppend(m.from(), true);
  }
  // Keep the pipe full: send whatever the follower does not have yet.
  while (pr.state != ProgressState::kSnapshot && MaybeSendAppend(m.from(), false)) {
  }
  if (m.from() == lead_transferee_ && pr.match == log_.LastIndex()) {
    pb::Message timeout;
    timeout.set_to(m.from());
    timeout.set_type(pb::MSG_TIMEOUT_NOW);
    Send(std::move(timeout));
  }
}

void Raft::HandleHeartbeatResponse(const pb::Message& m, Progress& pr) {
  pr.recent_active = true;
  pr.probe_sent = false;
  if (pr.state == ProgressState::kSnapshot) {
    SendSnapshotChunk(m.from(), pr);  // retransmit a chunk that may have been lost
  } else if (pr.match < log_.LastIndex()) {
    MaybeSendAppend(m.from(), true);
  }
  if (m.read_round() > 0 && voters_.count(m.from())) {
    read_only_.RecordAck(m.from(), m.read_round());
    ReleaseReads();
  }
}

void Raft::HandleSnapshotResponse(const pb::Message& m, Progress& pr) {
  pr.recent_active = true;
  if (pr.state != ProgressState::kSnapshot || pr.snapshot->metadata().index() != m.index()) return;
  pr.snapshot_acked = m.snapshot().offset();
  SendSnapshotChunk(m.from(), pr);
}

// ---------------------------------------------------------------------------------------------
// ReadIndex

Status Raft::ReadIndex(std::string context) {
  if (role_ == Role::kLeader) {
    HandleReadIndexRequest(id_, std::move(context));
    return Status::Ok();
  }
  if (role_ != Role::kFollower || lead_ == 0) {
    return Status::ProposalDropped("no leader to serve a read index");
  }
  pb::Message m;
  m.set_to(lead_);
  m.set_type(pb::MSG_READ_INDEX);
  m.set_context(std::move(context));
  Send(std::move(m));
  return Status::Ok();
}

void Raft::HandleReadIndexRequest(uint64_t from, std::string context) {
  if (!CommittedInCurrentTerm()) {
    // Until its no-op commits, a new leader does not know the true commit index.
    reads_awaiting_commit_.emplace_back(from, std::move(context));
    return;
  }
  const uint64_t round = read_only_.Add(log_.committed(), std::move(context), from);
  if (voters_.size() == 1 && voters_.count(id_)) {
    ReleaseReads();
    return;
  }
  BroadcastHeartbeat(round);
}

void Raft::StartPendingReads() {
  auto pending = std::exchange(reads_awaiting_commit_, {});
  for (auto& [from, context] : pending) HandleReadIndexRequest(from, std::move(context));
}

void Raft::ReleaseReads() {
  for (ReadOnlyQueue::Request& r : read_only_.Release(voters_, id_)) {
    if (r.from == id_) {
      read_states_.push_back(ReadState{r.index, std::move(r.context)});
    } else {
      pb::Message resp;
      resp.set_to(r.from);
      resp.set_type(pb::MSG_READ_INDEX_RESP);
      resp.set_index(r.index);
      resp.set_context(std::move(r.context));
      Send(std::move(resp));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Proposals, transfer, membership

Result<std::pair<uint64_t, uint64_t>> Raft::Propose(std::string data, pb::EntryType type) {
  if (role_ != Role::kLeader) return Status::NotLeader(lead_);
  if (lead_transferee_ != 0) {
    return Status::ProposalDropped("leadership transfer in progress");
  }
  if (type == pb::ENTRY_CONF_CHANGE) {
    if (pending_conf_index_ > log_.applied()) {
      return Status::Busy("a membership change (or this leader's no-op) is not yet applied");
    }
    pb::ConfChange cc;
    if (!cc.ParseFromString(data)) return Status::InvalidArgument("malformed ConfChange");
    if (cc.node_id() == 0) return Status::InvalidArgument("node id must be non-zero");
    const bool voter = voters_.count(cc.node_id()) > 0;
    const bool learner = learners_.count(cc.node_id()) > 0;
    if (cc.type() == pb::ADD_VOTER && voter) return Status::InvalidArgument("already a voter");
    if (cc.type() == pb::ADD_LEARNER && (voter || learner)) {
      return Status::InvalidArgument("already a member");
    }
    if (cc.type() == pb::REMOVE_NODE) {
      if (!voter && !learner) return Status::InvalidArgument("not a member");
      if (voter && voters_.size() == 1) return Status::InvalidArgument("cannot remove the last voter");
    }
  }
  pb::Entry e;
  e.set_type(type);
  e.set_data(std::move(data));
  AppendEntries({std::move(e)});
  if (type == pb::ENTRY_CONF_CHANGE) pending_conf_index_ = log_.LastIndex();
  return std::make_pair(log_.LastIndex(), term_);
}

Status Raft::TransferLeadership(uint64_t to) {
  if (role_ != Role::kLeader) return Status::NotLeader(lead_);
  if (to == id_) return Status::Ok();
  if (voters_.count(to) == 0) return Status::InvalidArgument("transfer target is not a voter");
  if (lead_transferee_ == to) return Status::Ok();
  lead_transferee_ = to;
  // The transfer must complete within one election timeout or it is abandoned.
  election_elapsed_ = 0;
  Progress& pr = prs_.at(to);
  if (pr.match == log_.LastIndex()) {
    pb::Message timeout;
    timeout.set_to(to);
    timeout.set_type(pb::MSG_TIMEOUT_NOW);
    Send(std::move(timeout));
  } else {
    MaybeSendAppend(to, true);
  }
  return Status::Ok();
}

void Raft::SetMembership(const pb::ConfState& cs) {
  voters_ = std::set<uint64_t>(cs.voters().begin(), cs.voters().end());
  learners_ = std::set<uint64_t>(cs.learners().begin(), cs.learners().end());
  std::map<uint64_t, Progress> old = std::move(prs_);
  prs_.clear();
  for (uint64_t v : voters_) AddProgress(v, false);
  for (uint64_t l : learners_) AddProgress(l, true);
  for (auto& [id, pr] : prs_) {
    auto it = old.find(id);
    if (it != old.end()) {
      const bool learner = pr.is_learner;
      pr = std::move(it->second);
      pr.is_learner = learner;
    }
  }
}

void Raft::AddProgress(uint64_t id, bool learner) {
  auto [it, inserted] =
      prs_.try_emplace(id, log_.LastIndex() + 1, config_.max_inflight_msgs, 0);
  it->second.is_learner = learner;
  // A new member counts as active so check-quorum does not depose the leader at once.
  if (inserted) it->second.recent_active = true;
  if (id == id_) it->second.match = log_.LastStableIndex();
}

void Raft::ApplyConfChange(const pb::ConfChange& cc) {
  pb::ConfState cs = conf_state();
  std::set<uint64_t> voters(cs.voters().begin(), cs.voters().end());
  std::set<uint64_t> learners(cs.learners().begin(), cs.learners().end());
  const uint64_t node = cc.node_id();
  switch (cc.type()) {
    case pb::ADD_VOTER:
      learners.erase(node);
      voters.insert(node);
      break;
    case pb::ADD_LEARNER:
      if (!voters.count(node)) learners.insert(node);
      break;
    case pb::REMOVE_NODE:
      voters.erase(node);
      learners.erase(node);
      break;
    default:
      return;
  }
  if (voters.empty()) return;  // never apply a change that leaves no voter
  pb::ConfState next;
  for (uint64_t v : voters) next.add_voters(v);
  for (uint64_t l : learners) next.add_learners(l);
  SetMembership(next);
  if (role_ != Role::kLeader) return;
  if (!Promotable()) {
    // The leader removed itself (or was demoted): hand over by stepping down.
    BecomeFollower(term_, 0);
    return;
  }
  if (lead_transferee_ != 0 && !voters_.count(lead_transferee_)) AbortLeaderTransfer();
  // A smaller quorum may already cover more entries, and new members need the log.
  MaybeCommit();
  BroadcastAppend();
  ReleaseReads();
}

// ---------------------------------------------------------------------------------------------
// Persistence and application feedback

void Raft::OnPersisted(uint64_t last_index, uint64_t last_term,
                       std::optional<uint64_t> snapshot_index) {
  if (snapshot_index) log_.StableSnapshotTo(*snapshot_index);
  if (last_index > 0) log_.StableTo(last_index, last_term);
  auto self = prs_.find(id_);
  if (role_ == Role::kLeader && self != prs_.end() &&
      self->second.MaybeUpdate(log_.LastStableIndex())) {
    if (MaybeCommit()) BroadcastAppend();
  }
}

void Raft::OnApplied(const std::vector<pb::Entry>& committed,
                     std::optional<uint64_t> snapshot_index) {
  if (snapshot_index) log_.AppliedTo(*snapshot_index);
  for (const pb::Entry& e : committed) {
    log_.AppliedTo(e.index());
    if (e.type() == pb::ENTRY_CONF_CHANGE) {
      pb::ConfChange cc;
      if (cc.ParseFromString(e.data())) ApplyConfChange(cc);
    }
  }
}

// ---------------------------------------------------------------------------------------------

void Raft::Send(pb::Message m) {
  m.set_from(id_);
  if (m.term() == 0) m.set_term(term_);
  if (IsResponseNeedingDurability(m.type())) {
    msgs_after_persist_.push_back(std::move(m));
  } else {
    msgs_.push_back(std::move(m));
  }
}

std::string Raft::Describe() const {
  return "node " + std::to_string(id_) + " term " + std::to_string(term_) + " role " +
         RoleName(role_) + " commit " + std::to_string(log_.committed()) + " last " +
         std::to_string(log_.LastIndex());
}

}  // namespace coord::raft
