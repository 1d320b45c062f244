#include "raft/raw_node.h"

#include "raft/raft.h"

namespace coord::raft {

Result<std::unique_ptr<RawNode>> RawNode::Create(const Config& config) {
  if (Status s = config.Validate(); !s.ok()) return s;
  Result<InitialState> initial = config.storage->GetInitialState();
  if (!initial.ok()) return initial.status();
  if (initial->hard_state.commit() > config.storage->LastIndex()) {
    return Status::Corruption("hard state commit " + std::to_string(initial->hard_state.commit()) +
                              " is beyond the last stored index " +
                              std::to_string(config.storage->LastIndex()));
  }
  auto raft = std::make_unique<Raft>(config);
  return std::unique_ptr<RawNode>(new RawNode(std::move(raft)));
}

RawNode::RawNode(std::unique_ptr<Raft> raft) : raft_(std::move(raft)) {
  prev_soft_state_ = raft_->soft_state();
  prev_hard_state_ = raft_->hard_state();
}

RawNode::~RawNode() = default;

void RawNode::Tick() { raft_->Tick(); }

Status RawNode::Step(const pb::Message& message) { return raft_->Step(message); }

Result<ProposalId> RawNode::Propose(std::string data) {
  auto r = raft_->Propose(std::move(data), pb::ENTRY_NORMAL);
  if (!r.ok()) return r.status();
  return ProposalId{r->first, r->second};
}

Result<ProposalId> RawNode::ProposeBatch(std::vector<std::string> data) {
  auto r = raft_->ProposeBatch(std::move(data));
  if (!r.ok()) return r.status();
  return ProposalId{r->first, r->second};
}

Result<ProposalId> RawNode::ProposeConfChange(const pb::ConfChange& change) {
  auto r = raft_->Propose(change.SerializeAsString(), pb::ENTRY_CONF_CHANGE);
  if (!r.ok()) return r.status();
  return ProposalId{r->first, r->second};
}

Status RawNode::ReadIndex(std::string context) { return raft_->ReadIndex(std::move(context)); }

Status RawNode::TransferLeadership(uint64_t to) { return raft_->TransferLeadership(to); }

void RawNode::Campaign() {
  raft_->Campaign(Raft::CampaignType::kElection);
}

namespace {
bool SameHardState(const pb::HardState& a, const pb::HardState& b) {
  return a.term() == b.term() && a.vote() == b.vote() && a.commit() == b.commit();
}
}  // namespace

bool RawNode::HasReady() const {
  const RaftLog& log = raft_->log();
  return !(raft_->soft_state() == prev_soft_state_) ||
         !SameHardState(raft_->hard_state(), prev_hard_state_) || raft_->HasOutbox() ||
         !log.UnstableEntries().empty() || log.UnstableSnapshot().has_value() ||
         log.HasNextCommittedEntries();
}

Ready RawNode::GetReady() {
  Ready rd;
  const SoftState soft = raft_->soft_state();
  if (!(soft == prev_soft_state_)) {
    rd.soft_state = soft;
    prev_soft_state_ = soft;
  }
  const pb::HardState hard = raft_->hard_state();
  if (!SameHardState(hard, prev_hard_state_)) {
    rd.hard_state = hard;
    prev_hard_state_ = hard;
  }
  const RaftLog& log = raft_->log();
  rd.snapshot = log.UnstableSnapshot();
  rd.entries = log.UnstableEntries();
  rd.committed_entries = log.NextCommittedEntries();
  rd.messages = raft_->TakeMessages();
  rd.messages_after_persist = raft_->TakeMessagesAfterPersist();
  rd.read_states = raft_->TakeReadStates();
  return rd;
}

void RawNode::Advance(const Ready& ready) {
  std::optional<uint64_t> snapshot_index;
  if (ready.snapshot) snapshot_index = ready.snapshot->metadata().index();
  uint64_t last_index = 0, last_term = 0;
  if (!ready.entries.empty()) {
    last_index = ready.entries.back().index();
    last_term = ready.entries.back().term();
  }
  raft_->OnPersisted(last_index, last_term, snapshot_index);
  raft_->OnApplied(ready.committed_entries, snapshot_index);
}

StatusView RawNode::GetStatus() const {
  StatusView s;
  s.id = raft_->id();
  s.term = raft_->term();
  s.vote = raft_->vote();
  s.leader = raft_->leader();
  s.role = raft_->role();
  s.commit = raft_->log().committed();
  s.applied = raft_->log().applied();
  s.last_index = raft_->log().LastIndex();
  s.lead_transferee = raft_->lead_transferee();
  s.conf_state = raft_->conf_state();
  if (raft_->role() == Role::kLeader) {
    for (const auto& [id, pr] : raft_->progress()) {
      s.progress[id] = ProgressView{pr.match, pr.next, ProgressStateName(pr.state),
                                    pr.is_learner, pr.recent_active};
    }
  }
  return s;
}

uint64_t RawNode::id() const { return raft_->id(); }
uint64_t RawNode::leader() const { return raft_->leader(); }
Role RawNode::role() const { return raft_->role(); }
uint64_t RawNode::term() const { return raft_->term(); }

}  // namespace coord::raft
