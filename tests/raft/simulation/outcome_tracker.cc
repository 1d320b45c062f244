#include "tests/raft/simulation/outcome_tracker.h"

#include "tests/raft/simulation/digest.h"

namespace coord::raft::sim {

namespace {
std::string S(uint64_t v) { return std::to_string(v); }
}  // namespace

void OutcomeTracker::OnProposed(uint64_t node, ProposalId id, const std::string& data) {
  pending_[node][id.index] =
      Pending{id.term, EntryDigest(id.index, id.term, pb::ENTRY_NORMAL, data), data};
}

void OutcomeTracker::Acknowledge(uint64_t node, uint64_t index, const Pending& p) {
  acks_[index] = Ack{p.term, p.digest, p.data};
  max_acked_index_ = std::max(max_acked_index_, index);
  trace_->Record(EventKind::kAck, node, index, p.term, p.data);
}

void OutcomeTracker::Drop(uint64_t node, uint64_t index, const Pending& p,
                          uint64_t committed_term) {
  dropped_.insert(p.data);
  ++dropped_count_;
  trace_->Record(EventKind::kDropped, node, index, p.term,
                 p.data + " (term " + S(committed_term) + " committed there)");
}

void OutcomeTracker::OnApplied(uint64_t node, const std::vector<AppliedEntry>& applied) {
  auto mine = pending_.find(node);
  for (const AppliedEntry& e : applied) {
    auto ack = acks_.find(e.index);
    if (ack != acks_.end() && (ack->second.term != e.term || ack->second.digest != e.digest)) {
      verdict_->Fail("acknowledged-write-lost",
                     "node " + S(node) + " applied term " + S(e.term) + " at index " +
                         S(e.index) + " where the acknowledged write '" + ack->second.data +
                         "' (term " + S(ack->second.term) + ") was committed");
      return;
    }
    if (e.type == pb::ENTRY_NORMAL && !e.data.empty() && dropped_.count(e.data)) {
      verdict_->Fail("dropped-proposal-applied", "node " + S(node) + " applied '" + e.data +
                                                     "' at index " + S(e.index) +
                                                     " after its client was told it was dropped");
      return;
    }
    if (mine == pending_.end()) continue;
    auto p = mine->second.find(e.index);
    if (p == mine->second.end()) continue;
    if (p->second.term == e.term) {
      if (p->second.digest != e.digest) {
        verdict_->Fail("proposal-integrity",
                       "node " + S(node) + " applied a different entry at " + S(e.index) + "/" +
                           S(e.term) + " than the '" + p->second.data + "' it proposed there");
        return;
      }
      Acknowledge(node, e.index, p->second);
    } else {
      Drop(node, e.index, p->second, e.term);
    }
    mine->second.erase(p);
  }
}

void OutcomeTracker::OnSnapshotInstalled(uint64_t node, uint64_t index) {
  auto mine = pending_.find(node);
  if (mine == pending_.end()) return;
  auto& props = mine->second;
  // The node will never apply these indexes itself: resolve them from what was applied there.
  for (auto it = props.begin(); it != props.end() && it->first <= index;) {
    const SafetyChecker::AppliedRecord* rec = checker_->Applied(it->first);
    if (rec == nullptr || !rec->entry_known) {
      ++unknown_;
    } else if (rec->term == it->second.term && rec->digest == it->second.digest) {
      Acknowledge(node, it->first, it->second);
    } else {
      Drop(node, it->first, it->second, rec->term);
    }
    it = props.erase(it);
  }
}

void OutcomeTracker::OnCrash(uint64_t node) {
  auto mine = pending_.find(node);
  if (mine != pending_.end()) {
    unknown_ += mine->second.size();
    pending_.erase(mine);
  }
  for (auto it = reads_.begin(); it != reads_.end();) {
    it = it->second.node == node ? reads_.erase(it) : std::next(it);
  }
}

void OutcomeTracker::OnReadIssued(uint64_t node, const std::string& context) {
  reads_[context] = PendingRead{node, max_acked_index_, false};
  trace_->Record(EventKind::kReadIssue, node, max_acked_index_, 0, context);
}

void OutcomeTracker::OnReadState(uint64_t node, const ReadState& rs) {
  trace_->Record(EventKind::kReadState, node, rs.index, 0, rs.context);
  auto it = reads_.find(rs.context);
  if (it == reads_.end()) return;  // already served (a duplicated request answered twice)
  if (it->second.node != node) {
    verdict_->Fail("read-state-routing", "read '" + rs.context + "' issued on node " +
                                             S(it->second.node) + " answered on node " + S(node));
    return;
  }
  if (rs.index < it->second.min_index) {
    verdict_->Fail("read-index-linearizable",
                   "read '" + rs.context + "' on node " + S(node) + " got read index " +
                       S(rs.index) + " but index " + S(it->second.min_index) +
                       " was acknowledged to a client before the read was issued");
    return;
  }
  it->second.got_state = true;
}

void OutcomeTracker::OnReadServed(uint64_t node, const ServedRead& read) {
  auto it = reads_.find(read.context);
  if (it == reads_.end()) return;
  trace_->Record(EventKind::kReadServed, node, read.applied_index, read.read_index, read.context);
  if (read.applied_index < it->second.min_index || read.applied_index < read.read_index) {
    verdict_->Fail("linearizable-read",
                   "read '" + read.context + "' served on node " + S(node) + " at applied " +
                       S(read.applied_index) + " (read index " + S(read.read_index) +
                       ") misses writes acknowledged up to " + S(it->second.min_index));
    return;
  }
  ++reads_served_;
  reads_.erase(it);
}

}  // namespace coord::raft::sim
