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
  if (m.type() == pb::MSG_FORWARD_PROPOSAL || m.type() == pb::MSG_FORWARD_PROPOSAL_RESP ||
      m.type() == pb::MSG_LEADER_CALL || m.type() == pb::MSG_LEADER_CALL_RESP ||
      m.type() == pb::MSG_UNKNOWN || !pb::MessageType_IsValid(m.type())) {
    return Status::InvalidArgument("not a message for the Raft core");
  }
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

Result<std::pair<uint64_t, uint64_t>> Raft::ProposeBatch(std::vector<std::string> data) {
  if (role_ != Role::kLeader) return Status::NotLeader(lead_);
  if (lead_transferee_ != 0) {
    return Status::ProposalDropped("leadership transfer in progress");
  }
  if (data.empty()) return Status::InvalidArgument("empty batch");
  std::vector<pb::Entry> entries(data.size());
  for (size_t i = 0; i < data.size(); ++i) entries[i].set_data(std::move(data[i]));
  const uint64_t first = log_.LastIndex() + 1;
  AppendEntries(std::move(entries));
  return std::make_pair(first, term_);
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
