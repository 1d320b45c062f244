#include "tests/raft/simulation/fault_injector.h"

#include <algorithm>
#include <set>
#include <string>

namespace coord::raft::sim {

namespace {
std::string S(uint64_t v) { return std::to_string(v); }

std::string Ids(const std::vector<uint64_t>& ids) {
  std::string out = "{";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + S(ids[i]);
  return out + "}";
}
}  // namespace

void FaultInjector::BeginStep() {
  const uint64_t now = cluster_->now();
  const FaultRates& f = spec_.rates;
  if (cluster_->up_down_epoch() != seen_epoch_) {
    seen_epoch_ = cluster_->up_down_epoch();
    for (uint64_t id : cluster_->DownNodes()) {
      if (!restart_at_.count(id)) {
        restart_at_[id] =
            now + f.min_down_steps + rng_->Uniform(f.max_down_steps - f.min_down_steps + 1);
      }
    }
  }
  for (auto it = restart_at_.begin(); it != restart_at_.end();) {
    if (it->second <= now) {
      cluster_->Restart(it->first);
      it = restart_at_.erase(it);
    } else {
      ++it;
    }
  }
  if (partition_heal_at_ != 0 && partition_heal_at_ <= now) {
    partition_heal_at_ = 0;
    cluster_->network().HealPartitions();
    trace_->Record(EventKind::kHeal, 0, 0, 0, "partition over");
  }
}

void FaultInjector::EndStep() {
  if (spec_.rates.crash_on_old_term_commit_pct == 0) return;
  const uint64_t leader = cluster_->Leader();
  if (leader == 0) return;
  SimNode* n = cluster_->node(leader);
  const uint64_t term = n->raw().term();
  Result<InitialState> stored = n->storage().GetInitialState();
  if (!stored.ok() || stored->hard_state.term() != term) return;
  const uint64_t commit = stored->hard_state.commit();
  // A leader starts with the commit index it learned as a follower, usually at an entry of an
  // older term; only an advance it made itself, as leader, is of interest.
  auto [it, first_sight] = leader_commit_.try_emplace({leader, term}, commit);
  if (first_sight || commit <= it->second) return;
  it->second = commit;
  Result<uint64_t> commit_term = n->storage().Term(commit);
  if (!commit_term.ok() || *commit_term >= term) return;
  ++cluster_->stats().old_term_commits;
  if (rng_->Chance(spec_.rates.crash_on_old_term_commit_pct, 100)) {
    cluster_->Crash(leader, "right after committing index " + S(commit) + " of term " +
                                S(*commit_term) + " in term " + S(term));
    cluster_->network().DropFrom(leader);
  }
}

void FaultInjector::CrashOne(uint64_t id, bool mid_ready_allowed) {
  if (mid_ready_allowed && rng_->Chance(spec_.rates.crash_mid_ready_pct, 100)) {
    CrashPlan plan;
    plan.point = static_cast<CrashPoint>(1 + rng_->Uniform(7));
    plan.entries_kept_seed = rng_->Next();
    cluster_->ArmCrash(id, plan);
    trace_->Record(EventKind::kNote, id, 0, 0,
                   std::string("will crash in its next Ready: ") + CrashPointName(plan.point));
    return;
  }
  cluster_->Crash(id, "between Readies");
}

void FaultInjector::Crash() {
  std::vector<uint64_t> up = cluster_->UpNodes();
  if (up.empty()) return;
  const FaultRates& f = spec_.rates;
  if (rng_->Chance(f.outage_pct, 100)) {
    ++cluster_->stats().outages;
    trace_->Record(EventKind::kNote, 0, 0, 0, "whole-cluster outage");
    for (uint64_t id : up) CrashOne(id, true);
    return;
  }
  const uint64_t leader = cluster_->Leader();
  const uint64_t target = leader != 0 && rng_->Chance(f.crash_leader_pct, 100) ? leader : RandomOf(up);
  CrashOne(target, true);
}

void FaultInjector::Partition() {
  SimNetwork& net = cluster_->network();
  if (net.partitioned()) return;  // one at a time; it heals on schedule
  std::vector<uint64_t> ids;
  for (const auto& [id, n] : cluster_->nodes()) {
    if (!cluster_->IsDecommissioned(id)) ids.push_back(id);
  }
  if (ids.size() < 2) return;
  const uint64_t leader = cluster_->Leader();
  std::vector<uint64_t> a, b;
  std::string what;
  switch (rng_->Uniform(5)) {
    case 0: {  // random split
      for (uint64_t id : ids) (rng_->Chance(1, 2) ? a : b).push_back(id);
      if (a.empty() || b.empty()) return;
      what = "split ";
      break;
    }
    case 1: {  // the leader alone
      const uint64_t alone = leader != 0 ? leader : RandomOf(ids);
      a.push_back(alone);
      for (uint64_t id : ids) {
        if (id != alone) b.push_back(id);
      }
      what = "isolate leader ";
      break;
    }
    case 2: {  // two halves that only a bridge node connects
      if (ids.size() < 3) return;
      const uint64_t bridge = RandomOf(ids);
      for (uint64_t id : ids) {
        if (id != bridge) (a.size() <= b.size() ? a : b).push_back(id);
      }
      for (uint64_t x : a) {
        for (uint64_t y : b) net.BlockBoth(x, y);
      }
      ++cluster_->stats().partitions;
      trace_->Record(EventKind::kPartition, 0, 0, 0,
                     "bridge " + S(bridge) + " between " + Ids(a) + " and " + Ids(b));
      partition_heal_at_ = cluster_->now() + spec_.rates.min_partition_steps +
                           rng_->Uniform(spec_.rates.max_partition_steps -
                                         spec_.rates.min_partition_steps + 1);
      return;
    }
    case 3: {  // a random minority cut off from the majority
      std::vector<uint64_t> shuffled = ids;
      for (size_t i = shuffled.size() - 1; i > 0; --i) {
        std::swap(shuffled[i], shuffled[rng_->Uniform(i + 1)]);
      }
      const size_t minority = 1 + rng_->Uniform(std::max<size_t>((shuffled.size() - 1) / 2, 1));
      a.assign(shuffled.begin(), shuffled.begin() + static_cast<long>(minority));
      b.assign(shuffled.begin() + static_cast<long>(a.size()), shuffled.end());
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      what = "minority ";
      break;
    }
    default: {  // one direction of one node's links
      const uint64_t x = RandomOf(ids);
      const bool outgoing = rng_->Chance(1, 2);
      for (uint64_t id : ids) {
        if (id == x) continue;
        if (outgoing) {
          net.Block(x, id);
        } else {
          net.Block(id, x);
        }
      }
      ++cluster_->stats().partitions;
      trace_->Record(EventKind::kPartition, x, 0, 0,
                     outgoing ? "node's outgoing links cut" : "node's incoming links cut");
      partition_heal_at_ = cluster_->now() + spec_.rates.min_partition_steps +
                           rng_->Uniform(spec_.rates.max_partition_steps -
                                         spec_.rates.min_partition_steps + 1);
      return;
    }
  }
  for (uint64_t x : a) {
    for (uint64_t y : b) net.BlockBoth(x, y);
  }
  ++cluster_->stats().partitions;
  trace_->Record(EventKind::kPartition, 0, 0, 0, what + Ids(a) + " | " + Ids(b));
  partition_heal_at_ =
      cluster_->now() + spec_.rates.min_partition_steps +
      rng_->Uniform(spec_.rates.max_partition_steps - spec_.rates.min_partition_steps + 1);
}

void FaultInjector::ChangeMembership() {
  const uint64_t leader = cluster_->Leader();
  if (leader == 0) return;
  const pb::ConfState conf = cluster_->node(leader)->raw().GetStatus().conf_state;
  std::vector<uint64_t> voters(conf.voters().begin(), conf.voters().end());
  std::vector<uint64_t> learners(conf.learners().begin(), conf.learners().end());
  const bool can_add = nodes_added_ < spec_.max_added_nodes;
  const bool can_grow = static_cast<int>(voters.size()) < spec_.max_voters;
  // Never below three voters: a two-voter cluster cannot tolerate any fault.
  const bool can_shrink = voters.size() > 3;

  pb::ConfChange cc;
  struct Option {
    int weight;
    bool ok;
  };
  const Option options[] = {
      {4, can_add},                        // 0: add a learner
      {4, !learners.empty() && can_grow},  // 1: promote a learner
      {1, can_add && can_grow},            // 2: add a voter directly
      {3, can_shrink},                     // 3: remove a voter (maybe the leader)
      {1, !learners.empty()},              // 4: remove a learner
  };
  int total = 0;
  for (const Option& o : options) total += o.ok ? o.weight : 0;
  if (total == 0) return;
  int pick = static_cast<int>(rng_->Uniform(total));
  int choice = 0;
  for (; choice < 5; ++choice) {
    if (!options[choice].ok) continue;
    if (pick < options[choice].weight) break;
    pick -= options[choice].weight;
  }
  switch (choice) {
    case 0:
      cc.set_type(pb::ADD_LEARNER);
      cc.set_node_id(cluster_->NextNodeId());
      break;
    case 1:
      cc.set_type(pb::ADD_VOTER);
      cc.set_node_id(RandomOf(learners));
      break;
    case 2:
      cc.set_type(pb::ADD_VOTER);
      cc.set_node_id(cluster_->NextNodeId());
      break;
    case 3:
      cc.set_type(pb::REMOVE_NODE);
      cc.set_node_id(RandomOf(voters));
      break;
    default:
      cc.set_type(pb::REMOVE_NODE);
      cc.set_node_id(RandomOf(learners));
      break;
  }
  Result<ProposalId> r = cluster_->ProposeConfChange(leader, cc);
  if (r.ok() && (choice == 0 || choice == 2)) ++nodes_added_;
}

void FaultInjector::Transfer() {
  const uint64_t leader = cluster_->Leader();
  if (leader == 0) return;
  const pb::ConfState conf = cluster_->node(leader)->raw().GetStatus().conf_state;
  std::vector<uint64_t> others;
  for (uint64_t v : conf.voters()) {
    if (v != leader) others.push_back(v);
  }
  if (others.empty()) return;
  (void)cluster_->TransferLeadership(leader, RandomOf(others));
}

void FaultInjector::HealAll() {
  cluster_->network().HealPartitions();
  cluster_->network().set_faults(MessageFaults{});
  cluster_->DisarmCrashes();
  restart_at_.clear();
  partition_heal_at_ = 0;
  trace_->Record(EventKind::kHeal, 0, 0, 0, "all faults healed");
  std::vector<uint64_t> ids;
  for (const auto& [id, n] : cluster_->nodes()) ids.push_back(id);
  for (uint64_t id : ids) {
    if (!cluster_->IsMember(id)) cluster_->Decommission(id);
  }
  for (uint64_t id : cluster_->DownNodes()) cluster_->Restart(id);
}

}  // namespace coord::raft::sim
