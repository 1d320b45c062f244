#include "raft/raft.h"

#include <algorithm>
#include <string>

#include "raft/quorum.h"

namespace coord::raft {

// Elections: campaigning (with pre-vote) and granting votes.

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

}  // namespace coord::raft
