#include "raft/raft.h"

#include <string>

namespace coord::raft {

// ReadIndex (dissertation section 6.4): read points confirmed by a heartbeat round.

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

}  // namespace coord::raft
