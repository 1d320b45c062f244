#include "tests/raft/simulation/sim_node.h"

#include <iterator>
#include <set>

#include "raft/membership.h"
#include "tests/raft/simulation/digest.h"

namespace coord::raft::sim {

const char* CrashPointName(CrashPoint point) {
  switch (point) {
    case CrashPoint::kNone: return "between Readies";
    case CrashPoint::kBeforeReady: return "before processing a Ready";
    case CrashPoint::kAfterMessages: return "after sending messages, before persisting";
    case CrashPoint::kAfterSnapshot: return "after persisting the snapshot, before entries";
    case CrashPoint::kMidEntries: return "after persisting part of the entries";
    case CrashPoint::kBeforeHardState: return "after persisting entries, before the hard state";
    case CrashPoint::kBeforeSendAfterPersist: return "after persisting, before messages_after_persist";
    case CrashPoint::kBeforeApply: return "after sending everything, before applying";
  }
  return "?";
}

bool SameConf(const pb::ConfState& a, const pb::ConfState& b) {
  auto set = [](const auto& field) { return std::set<uint64_t>(field.begin(), field.end()); };
  return set(a.voters()) == set(b.voters()) && set(a.learners()) == set(b.learners());
}

std::string ConfString(const pb::ConfState& cs) {
  std::string out = "voters{";
  for (int i = 0; i < cs.voters_size(); ++i) out += (i ? "," : "") + std::to_string(cs.voters(i));
  out += "} learners{";
  for (int i = 0; i < cs.learners_size(); ++i) {
    out += (i ? "," : "") + std::to_string(cs.learners(i));
  }
  return out + "}";
}

SimNode::SimNode(uint64_t id, const pb::ConfState& initial, NodeOptions options)
    : id_(id), options_(std::move(options)), storage_(std::make_unique<MemoryStorage>(initial)) {}

Status SimNode::Start(uint64_t seed) {
  Result<pb::Snapshot> snap = storage_->GetSnapshot();
  if (!snap.ok()) return snap.status();
  const uint64_t snap_index = snap->metadata().index();
  snapshot_index_ = snap_index;
  if (snap_index > 0) {
    Result<SimStateMachine> restored = SimStateMachine::Restore(snap->data());
    if (!restored.ok()) return restored.status();
    if (restored->applied_index() != snap_index) {
      return Status::Corruption("stored snapshot at " + std::to_string(snap_index) +
                                " holds a state machine at " +
                                std::to_string(restored->applied_index()));
    }
    sm_ = std::move(*restored);
  } else {
    sm_ = SimStateMachine();
  }
  conf_ = snap->metadata().conf_state();
  pending_reads_.clear();

  Config config = options_.base;
  config.id = id_;
  config.storage = storage_.get();
  config.applied = snap_index;
  config.seed = seed;
  Result<std::unique_ptr<RawNode>> raw = RawNode::Create(config);
  if (!raw.ok()) return raw.status();
  raw_ = std::move(*raw);
  ++incarnation_;
  return Status::Ok();
}

void SimNode::Crash() {
  raw_.reset();
  sm_ = SimStateMachine();
  pending_reads_.clear();
}

void SimNode::Fail(ReadyResult* out, std::string invariant, std::string detail) {
  if (!out->failure) {
    out->failure = NodeFailure{std::move(invariant),
                               "node " + std::to_string(id_) + ": " + std::move(detail)};
  }
}

ReadyResult SimNode::HandleReady(const CrashPlan& plan) {
  Ready rd = raw_->GetReady();
  ReadyResult out;
  out.soft_state = rd.soft_state;

  if (plan.point == CrashPoint::kBeforeReady) {
    Crash();
    out.crashed = true;
    return out;
  }
  // 1. Messages that depend on nothing unpersisted. (Advance() does not look at messages,
  // so they can be moved out of the Ready.)
  out.sent = std::move(rd.messages);
  if (plan.point == CrashPoint::kAfterMessages) {
    Crash();
    out.crashed = true;
    return out;
  }
  // 2. Persist: snapshot, entries, hard state (each crash point keeps a prefix of this).
  Persist(rd, plan, &out);
  if (out.crashed || out.failure) return out;
  // 3. Messages that promise durability.
  if (plan.point == CrashPoint::kBeforeSendAfterPersist) {
    Crash();
    out.crashed = true;
    return out;
  }
  out.sent.insert(out.sent.end(), std::make_move_iterator(rd.messages_after_persist.begin()),
                  std::make_move_iterator(rd.messages_after_persist.end()));
  if (plan.point == CrashPoint::kBeforeApply) {
    Crash();
    out.crashed = true;
    return out;
  }
  // 4. Install the snapshot, apply, serve reads.
  Apply(rd, &out);
  if (out.failure) return out;
  // 5. Acknowledge, then snapshot the state machine if it is time.
  raw_->Advance(rd);
  // Membership only changes with a snapshot or an applied conf change: compare only then
  // (GetStatus is not free).
  bool conf_may_change = rd.snapshot.has_value();
  for (const pb::Entry& e : rd.committed_entries) {
    conf_may_change = conf_may_change || e.type() == pb::ENTRY_CONF_CHANGE;
  }
  if (!conf_may_change) {
    MaybeSnapshot(&out);
    return out;
  }
  const pb::ConfState core_conf = raw_->GetStatus().conf_state;
  if (!SameConf(core_conf, conf_)) {
    Fail(&out, "conf-state-agrees",
         "core membership " + ConfString(core_conf) + " but applied conf changes give " +
             ConfString(conf_) + " at applied " + std::to_string(sm_.applied_index()));
    return out;
  }
  MaybeSnapshot(&out);
  return out;
}

void SimNode::Persist(const Ready& rd, const CrashPlan& plan, ReadyResult* out) {
  if (rd.snapshot) {
    if (Status s = storage_->ApplySnapshot(*rd.snapshot); !s.ok()) {
      Fail(out, "storage-accepts-ready", "ApplySnapshot: " + s.ToString());
      return;
    }
    out->persisted_snapshot = rd.snapshot->metadata();
    snapshot_index_ = rd.snapshot->metadata().index();
    if (plan.point == CrashPoint::kAfterSnapshot) {
      Crash();
      out->crashed = true;
      return;
    }
  }
  std::vector<pb::Entry> entries = rd.entries;
  if (plan.point == CrashPoint::kMidEntries) {
    entries.resize(plan.entries_kept_seed % (entries.size() + 1));
  }
  if (Status s = storage_->Append(entries); !s.ok()) {
    Fail(out, "storage-accepts-ready", "Append: " + s.ToString());
    return;
  }
  out->persisted_entries = std::move(entries);
  if (plan.point == CrashPoint::kMidEntries || plan.point == CrashPoint::kBeforeHardState) {
    Crash();
    out->crashed = true;
    return;
  }
  if (rd.hard_state) {
    storage_->SetHardState(*rd.hard_state);
    out->persisted_hard_state = *rd.hard_state;
  }
}

void SimNode::Apply(const Ready& rd, ReadyResult* out) {
  if (rd.snapshot) {
    Result<SimStateMachine> restored = SimStateMachine::Restore(rd.snapshot->data());
    if (!restored.ok()) {
      Fail(out, "snapshot-data-valid", restored.status().ToString());
      return;
    }
    if (restored->applied_index() != rd.snapshot->metadata().index()) {
      Fail(out, "snapshot-data-valid",
           "snapshot at " + std::to_string(rd.snapshot->metadata().index()) +
               " holds a state machine at " + std::to_string(restored->applied_index()));
      return;
    }
    sm_ = std::move(*restored);
    conf_ = rd.snapshot->metadata().conf_state();
    out->installed_snapshot = std::make_pair(sm_.applied_index(), sm_.rolling_digest());
  }
  for (const pb::Entry& e : rd.committed_entries) {
    if (e.index() != sm_.applied_index() + 1) {
      Fail(out, "apply-in-order",
           "committed entry " + std::to_string(e.index()) + " handed out after applied " +
               std::to_string(sm_.applied_index()));
      return;
    }
    sm_.Apply(e);
    if (e.type() == pb::ENTRY_CONF_CHANGE) {
      pb::ConfChange cc;
      if (!cc.ParseFromString(e.data())) {
        Fail(out, "conf-change-parses", "entry " + std::to_string(e.index()));
        return;
      }
      conf_ = NextConfState(conf_, cc);
    }
    AppliedEntry a;
    a.index = e.index();
    a.term = e.term();
    a.type = e.type();
    a.data = e.data();
    a.digest = sm_.recent().back().digest;
    a.rolling = sm_.rolling_digest();
    out->applied.push_back(std::move(a));
  }
  out->read_states = rd.read_states;
  pending_reads_.insert(pending_reads_.end(), rd.read_states.begin(), rd.read_states.end());
  ServeReads(out);
}

void SimNode::ServeReads(ReadyResult* out) {
  // A read is served as soon as the state machine has reached its read index.
  std::vector<ReadState> waiting;
  for (ReadState& r : pending_reads_) {
    if (sm_.applied_index() >= r.index) {
      out->served_reads.push_back(ServedRead{std::move(r.context), r.index, sm_.applied_index()});
    } else {
      waiting.push_back(std::move(r));
    }
  }
  pending_reads_ = std::move(waiting);
}

void SimNode::MaybeSnapshot(ReadyResult* out) {
  if (sm_.applied_index() < snapshot_index_ + options_.snapshot_every) return;
  const uint64_t index = sm_.applied_index();
  // The membership as of the applied index: after Advance the core has applied every conf
  // change up to `index` and no further.
  Result<pb::Snapshot> snap =
      storage_->CreateSnapshot(index, raw_->GetStatus().conf_state, sm_.Serialize());
  if (!snap.ok()) {
    Fail(out, "storage-accepts-snapshot", "CreateSnapshot(" + std::to_string(index) + "): " +
                                              snap.status().ToString());
    return;
  }
  const uint64_t compact_to =
      index > options_.compaction_lag ? index - options_.compaction_lag : 0;
  if (compact_to > 0) {
    if (Status s = storage_->Compact(compact_to); !s.ok()) {
      Fail(out, "storage-accepts-snapshot", "Compact: " + s.ToString());
      return;
    }
  }
  snapshot_index_ = index;
  out->local_snapshot = std::make_pair(index, compact_to);
}

}  // namespace coord::raft::sim
