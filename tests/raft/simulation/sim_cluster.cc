#include "tests/raft/simulation/sim_cluster.h"

#include <algorithm>

#include "raft/membership.h"
#include "tests/raft/simulation/digest.h"

namespace coord::raft::sim {

namespace {
std::string S(uint64_t v) { return std::to_string(v); }
constexpr uint64_t kNodeSeedPurpose = 0x6e6f6465;  // "node"
// A node that still has a Ready after this many in a row is not converging.
constexpr int kMaxReadiesPerDrain = 10000;
}  // namespace

SimCluster::SimCluster(const RunSpec& spec, Rng* rng, Trace* trace, Verdict* verdict)
    : spec_(spec),
      rng_(rng),
      trace_(trace),
      verdict_(verdict),
      network_(rng, trace),
      checker_(verdict),
      outcomes_(verdict, trace, &checker_) {
  network_.set_faults(spec.rates.message);
}

void SimCluster::Boot() {
  pb::ConfState initial;
  for (int i = 1; i <= spec_.cluster_size; ++i) initial.add_voters(i);
  for (int i = 1; i <= spec_.cluster_size; ++i) StartNode(CreateNode(i, initial));
  for (int i = 1; i <= spec_.cluster_size; ++i) Drain(i);
}

SimNode& SimCluster::CreateNode(uint64_t id, const pb::ConfState& initial) {
  auto [it, inserted] = nodes_.emplace(id, std::make_unique<SimNode>(id, initial, spec_.node));
  next_node_id_ = std::max(next_node_id_, id + 1);
  return *it->second;
}

void SimCluster::StartNode(SimNode& n) {
  ++up_down_epoch_;
  Status s = n.Start(DeriveSeed(spec_.seed, kNodeSeedPurpose, n.id(), n.incarnation() + 1));
  if (!s.ok()) {
    verdict_->Fail("restart-from-storage", "node " + S(n.id()) + ": " + s.ToString());
  }
}

void SimCluster::BeginStep() {
  ++now_;
  trace_->set_step(now_);
  ++stats_.steps;
  for (auto it = decommission_at_.begin(); it != decommission_at_.end();) {
    if (it->second <= now_) {
      Decommission(it->first);
      it = decommission_at_.erase(it);
    } else {
      ++it;
    }
  }
}

SimNode* SimCluster::node(uint64_t id) {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : it->second.get();
}

bool SimCluster::IsUp(uint64_t id) const {
  auto it = nodes_.find(id);
  return it != nodes_.end() && it->second->up();
}

std::vector<uint64_t> SimCluster::UpNodes() const {
  std::vector<uint64_t> out;
  for (const auto& [id, n] : nodes_) {
    if (n->up()) out.push_back(id);
  }
  return out;
}

std::vector<uint64_t> SimCluster::DownNodes() const {
  std::vector<uint64_t> out;
  for (const auto& [id, n] : nodes_) {
    if (!n->up() && !decommissioned_.count(id)) out.push_back(id);
  }
  return out;
}

uint64_t SimCluster::Leader() const {
  uint64_t leader = 0, best = 0;
  for (const auto& [id, n] : nodes_) {
    if (n->up() && n->raw().role() == Role::kLeader && n->raw().term() >= best) {
      leader = id;
      best = n->raw().term();
    }
  }
  return leader;
}

bool SimCluster::IsMember(uint64_t id) const {
  for (uint64_t v : latest_conf_.voters()) {
    if (v == id) return true;
  }
  for (uint64_t l : latest_conf_.learners()) {
    if (l == id) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Faults

void SimCluster::Crash(uint64_t id, const std::string& why) {
  SimNode* n = node(id);
  if (n == nullptr || !n->up() || crashes_disabled_) return;
  n->Crash();
  ++up_down_epoch_;
  armed_.erase(id);
  outcomes_.OnCrash(id);
  ++stats_.crashes;
  trace_->Record(EventKind::kCrash, id, 0, 0, why);
}

void SimCluster::ArmCrash(uint64_t id, const CrashPlan& plan) {
  if (IsUp(id)) armed_[id] = plan;
}

void SimCluster::Restart(uint64_t id) {
  SimNode* n = node(id);
  if (n == nullptr || n->up() || decommissioned_.count(id)) return;
  StartNode(*n);
  if (!n->up()) return;
  ++stats_.restarts;
  trace_->Record(EventKind::kRestart, id, n->incarnation(), n->storage().FirstIndex() - 1,
                 "term " + S(n->raw().term()) + " log " + S(n->storage().FirstIndex()) + ".." +
                     S(n->storage().LastIndex()));
  Drain(id);
}

void SimCluster::Decommission(uint64_t id) {
  SimNode* n = node(id);
  if (n == nullptr || decommissioned_.count(id)) return;
  if (n->up()) {
    n->Crash();
    outcomes_.OnCrash(id);
  }
  ++up_down_epoch_;
  armed_.erase(id);
  decommissioned_.insert(id);
  ++stats_.nodes_decommissioned;
  trace_->Record(EventKind::kDecommission, id);
}

// ---------------------------------------------------------------------------------------------
// Driving

void SimCluster::AfterEvent() {
  if (!verdict_->failed()) checker_.AfterEvent(nodes_);
}

void SimCluster::TickRound(uint32_t skew_per_10k) {
  ++stats_.tick_rounds;
  std::string skipped;
  const std::vector<uint64_t> up = UpNodes();
  for (uint64_t id : up) {
    if (skew_per_10k > 0 && rng_->Chance(skew_per_10k, 10000)) {
      skipped += " " + S(id);
      continue;
    }
    SimNode* n = node(id);
    if (!n->up()) continue;
    n->raw().Tick();
    Drain(id);
    if (verdict_->failed()) return;
  }
  trace_->Record(EventKind::kTick, 0, 0, 0, skipped.empty() ? "" : "(skipped" + skipped + ")");
}

bool SimCluster::DeliverOne() {
  SimNetwork::MessagePtr m = network_.NextDue(now_);
  if (!m) return false;
  SimNode* n = node(m->to());
  if (n == nullptr || !n->up()) {
    trace_->RecordMessage(EventKind::kDrop, *m, "(node down)");
    return true;
  }
  trace_->RecordMessage(EventKind::kDeliver, *m);
  ++stats_.delivered;
  Status s = n->raw().Step(*m);
  if (!s.ok()) {
    verdict_->Fail("message-accepted", "node " + S(m->to()) + " rejected a " +
                                           MessageTypeName(m->type()) + " from " + S(m->from()) +
                                           ": " + s.ToString());
    return true;
  }
  Drain(m->to());
  return true;
}

Result<ProposalId> SimCluster::Propose(uint64_t id, std::string data) {
  SimNode* n = node(id);
  Result<ProposalId> r = n->raw().Propose(data);
  if (r.ok()) {
    outcomes_.OnProposed(id, *r, data);
    trace_->Record(EventKind::kPropose, id, r->index, r->term, data);
  } else {
    trace_->Record(EventKind::kProposeFail, id, 0, 0, data + ": " + r.status().ToString());
  }
  Drain(id);
  return r;
}

Result<ProposalId> SimCluster::ProposeBatch(uint64_t id, std::vector<std::string> data) {
  SimNode* n = node(id);
  std::vector<std::string> copy = data;
  Result<ProposalId> r = n->raw().ProposeBatch(std::move(data));
  if (r.ok()) {
    for (size_t k = 0; k < copy.size(); ++k) {
      outcomes_.OnProposed(id, ProposalId{r->index + k, r->term}, copy[k]);
      trace_->Record(EventKind::kPropose, id, r->index + k, r->term, copy[k] + " (batch)");
    }
  } else {
    trace_->Record(EventKind::kProposeFail, id, 0, 0, "batch: " + r.status().ToString());
  }
  Drain(id);
  return r;
}

Result<ProposalId> SimCluster::ProposeConfChange(uint64_t id, const pb::ConfChange& cc) {
  SimNode* n = node(id);
  Result<ProposalId> r = n->raw().ProposeConfChange(cc);
  const std::string what = std::string(pb::ConfChangeType_Name(cc.type())) + " " + S(cc.node_id());
  if (r.ok()) {
    ++stats_.conf_changes_proposed;
    next_node_id_ = std::max(next_node_id_, cc.node_id() + 1);
    trace_->Record(EventKind::kConfChange, id, r->index, r->term, what);
  } else {
    trace_->Record(EventKind::kProposeFail, id, 0, 0, what + ": " + r.status().ToString());
  }
  Drain(id);
  return r;
}

Status SimCluster::ReadIndex(uint64_t id, const std::string& context) {
  SimNode* n = node(id);
  outcomes_.OnReadIssued(id, context);
  Status s = n->raw().ReadIndex(context);
  if (!s.ok()) outcomes_.ForgetRead(context);
  Drain(id);
  return s;
}

Status SimCluster::TransferLeadership(uint64_t id, uint64_t to) {
  SimNode* n = node(id);
  Status s = n->raw().TransferLeadership(to);
  ++stats_.transfers;
  trace_->Record(EventKind::kTransfer, id, to, 0, s.ok() ? "" : s.ToString());
  Drain(id);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Ready processing and routing

void SimCluster::Drain(uint64_t id) {
  SimNode* n = node(id);
  int readies = 0;
  while (n->HasReady() && !verdict_->failed()) {
    if (++readies > kMaxReadiesPerDrain) {
      verdict_->Fail("ready-quiesces", "node " + S(id) + " still has a Ready after " +
                                           S(kMaxReadiesPerDrain) + " in a row");
      break;
    }
    CrashPlan plan;
    auto armed = armed_.find(id);
    if (armed != armed_.end()) {
      plan = armed->second;
      armed_.erase(armed);
    }
    if (!crashes_disabled_ && spec_.rates.crash_new_leader_pct > 0 &&
        n->raw().role() == Role::kLeader &&
        leaders_seen_.insert({id, n->raw().term()}).second &&
        rng_->Chance(spec_.rates.crash_new_leader_pct, 100)) {
      plan.point = CrashPoint::kBeforeReady;
    }
    ReadyResult r = n->HandleReady(plan);
    Route(*n, r, plan);
  }
  AfterEvent();
}

void SimCluster::Route(SimNode& n, ReadyResult& r, const CrashPlan& plan) {
  const uint64_t id = n.id();
  if (r.soft_state) {
    trace_->Record(EventKind::kRole, id, n.up() ? n.raw().term() : 0, r.soft_state->leader,
                   RoleName(r.soft_state->role));
  }
  for (pb::Message& m : r.sent) {
    checker_.OnSend(m);
    trace_->RecordMessage(EventKind::kSend, m);
    network_.Send(std::move(m), now_);
  }
  if (r.persisted_snapshot) {
    ++stats_.snapshots_installed;
    trace_->Record(EventKind::kSnapshot, id, r.persisted_snapshot->index(),
                   r.persisted_snapshot->term(),
                   ConfString(r.persisted_snapshot->conf_state()));
  }
  if (r.persisted_hard_state && r.persisted_hard_state->commit() > traced_commit_[id]) {
    traced_commit_[id] = r.persisted_hard_state->commit();
    trace_->Record(EventKind::kCommit, id, r.persisted_hard_state->commit(),
                   r.persisted_hard_state->term());
  }
  // Outcomes first, so a lost acknowledged write is reported under its own name.
  outcomes_.OnApplied(id, r.applied);
  if (r.installed_snapshot) outcomes_.OnSnapshotInstalled(id, r.installed_snapshot->first);
  checker_.OnReady(n, r);
  if (r.installed_snapshot && r.persisted_snapshot &&
      r.persisted_snapshot->index() > latest_conf_index_) {
    latest_conf_ = r.persisted_snapshot->conf_state();
    latest_conf_index_ = r.persisted_snapshot->index();
  }
  for (const AppliedEntry& e : r.applied) {
    if (e.type == pb::ENTRY_CONF_CHANGE) OnConfApplied(id, e);
  }
  for (const ReadState& rs : r.read_states) outcomes_.OnReadState(id, rs);
  for (const ServedRead& sr : r.served_reads) outcomes_.OnReadServed(id, sr);
  if (r.local_snapshot) {
    ++stats_.local_snapshots;
    trace_->Record(EventKind::kLocalSnapshot, id, r.local_snapshot->first,
                   r.local_snapshot->second);
  }
  if (r.crashed) {
    ++up_down_epoch_;
    armed_.erase(id);
    outcomes_.OnCrash(id);
    ++stats_.crashes;
    ++stats_.mid_ready_crashes;
    trace_->Record(EventKind::kCrash, id, 0, 0, std::string("inside a Ready: ") +
                                                    CrashPointName(plan.point));
  }
  if (r.failure) verdict_->Fail(r.failure->invariant, r.failure->detail);
}

void SimCluster::OnConfApplied(uint64_t node_id, const AppliedEntry& e) {
  pb::ConfChange cc;
  if (!cc.ParseFromString(e.data)) return;  // SimNode already reported it
  if (e.index <= latest_conf_index_) return;  // someone applied it (or a later state) already
  latest_conf_ = NextConfState(latest_conf_, cc);
  latest_conf_index_ = e.index;
  const uint64_t target = cc.node_id();
  trace_->Record(EventKind::kConfApplied, node_id, e.index, target,
                 std::string(pb::ConfChangeType_Name(cc.type())) + " " + S(target) + " -> " +
                     ConfString(latest_conf_));
  if (e.index > static_cast<uint64_t>(spec_.cluster_size)) ++stats_.conf_changes_applied;
  if (cc.type() == pb::REMOVE_NODE) {
    if (nodes_.count(target) && !decommissioned_.count(target) && !decommission_at_.count(target)) {
      // A removed node lingers a while (it may not know it was removed) before its operator
      // shuts it down.
      decommission_at_[target] = now_ + rng_->Uniform(spec_.decommission_delay_steps + 1);
    }
    return;
  }
  if (nodes_.count(target)) return;
  // A new member starts empty and learns everything (membership included) from the leader.
  SimNode& n = CreateNode(target, pb::ConfState{});
  StartNode(n);
  ++stats_.nodes_added;
  trace_->Record(EventKind::kStart, target, 0, 0, "added by entry " + S(e.index));
}

}  // namespace coord::raft::sim
