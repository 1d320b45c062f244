#include "raft/raft.h"

#include <algorithm>
#include <string>

#include "raft/invariant.h"
#include "raft/quorum.h"

namespace coord::raft {

// Log replication, both sides: appends, heartbeats, snapshot chunks, commitment.

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
  // If every append in the window was lost, no acknowledgement will ever free it: open one
  // slot so the next append reaches the follower, whose rejection (on a gap) or
  // acknowledgement then resynchronizes the pipeline.
  if (pr.state == ProgressState::kReplicate && pr.inflights.Full()) pr.inflights.FreeFirstOne();
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

}  // namespace coord::raft
