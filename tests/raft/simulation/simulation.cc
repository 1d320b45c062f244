#include "tests/raft/simulation/simulation.h"

#include <algorithm>
#include <vector>

#include "raft/rng.h"
#include "tests/raft/simulation/crash_reporter.h"
#include "tests/raft/simulation/digest.h"
#include "tests/raft/simulation/fault_injector.h"
#include "tests/raft/simulation/sim_clients.h"
#include "tests/raft/simulation/sim_cluster.h"
#include "tests/raft/simulation/trace.h"

namespace coord::raft::sim {

namespace {

std::string S(uint64_t v) { return std::to_string(v); }

// Caps on one "deliver everything" pass of the healed phase: a network that never quiesces
// is itself a liveness failure.
constexpr int kMaxDeliveriesPerRound = 200000;

class Run {
 public:
  Run(const RunSpec& spec, const RunOptions& options)
      : spec_(spec),
        rng_(DeriveSeed(spec.seed, 0x72756e)),  // "run"
        trace_(std::max<size_t>(options.trace_tail, 1), options.echo_trace),
        verdict_(&trace_),
        cluster_(spec_, &rng_, &trace_, &verdict_),
        faults_(spec_, &rng_, &trace_, &cluster_),
        clients_(spec_, &rng_, &cluster_) {}

  RunResult Execute(const RunOptions& options) {
    ActiveRun active(spec_.seed, spec_.variant.name, &trace_);
    trace_.Record(EventKind::kNote, 0, 0, 0, "seed " + S(spec_.seed) + " " + DescribeSpec(spec_));
    cluster_.Boot();
    FaultyPhase();
    if (!verdict_.failed()) HealedPhase();
    if (!verdict_.failed()) cluster_.CheckStoredLogs();

    RunResult result;
    result.spec = spec_;
    result.violation = verdict_.violation();
    result.stats = cluster_.stats();
    result.stats.runs = 1;
    result.stats.leaders = cluster_.checker().leaders_seen();
    result.stats.max_term = cluster_.checker().max_term();
    result.stats.acked = cluster_.outcomes().acked();
    result.stats.dropped = cluster_.outcomes().dropped();
    result.stats.unknown = cluster_.outcomes().unknown();
    result.stats.reads_served = cluster_.outcomes().reads_served();
    result.trace_events = trace_.total();
    if (result.violation) result.trace_tail = trace_.Tail(options.trace_tail);
    result.fingerprint = Fingerprint();
    return result;
  }

 private:
  void FaultyPhase() {
    const FaultRates& f = spec_.rates;
    for (int s = 0; s < spec_.steps && !verdict_.failed(); ++s) {
      cluster_.BeginStep();
      faults_.BeginStep();
      if (verdict_.failed()) break;
      uint64_t r = rng_.Uniform(10000);
      auto take = [&r](uint32_t rate) {
        if (r < rate) return true;
        r -= rate;
        return false;
      };
      if (take(f.crash)) {
        faults_.Crash();
      } else if (take(f.partition)) {
        faults_.Partition();
      } else if (take(f.conf_change)) {
        faults_.ChangeMembership();
      } else if (take(f.transfer)) {
        faults_.Transfer();
      } else if (take(f.propose)) {
        clients_.Write();
      } else if (take(f.read)) {
        clients_.Read();
      } else if (rng_.Chance(1, spec_.tick_round_every)) {
        // Ticks come at a steady rate whatever the message load, so message delays (in
        // steps) stay small compared to election timeouts (in ticks).
        cluster_.TickRound(f.tick_skew);
      } else {
        cluster_.DeliverOne();
      }
      if (!verdict_.failed()) faults_.EndStep();
      if ((s & 511) == 511 && !verdict_.failed()) cluster_.CheckStoredLogs();
    }
  }

  // Delivers everything in flight (including late, delayed messages).
  bool DeliverAll() {
    for (int n = 0; n < kMaxDeliveriesPerRound; ++n) {
      if (verdict_.failed()) return true;
      if (cluster_.network().in_flight() == 0) return true;
      cluster_.BeginStep();
      cluster_.DeliverOne();
    }
    verdict_.Fail("liveness", "the healed network did not quiesce after " +
                                  S(kMaxDeliveriesPerRound) + " deliveries in one tick round");
    return false;
  }

  void Round() {
    cluster_.BeginStep();
    cluster_.TickRound(0);
    DeliverAll();
  }

  struct Probe {
    uint64_t index = 0;
    uint64_t term = 0;
    uint64_t digest = 0;
  };

  void HealedPhase() {
    faults_.HealAll();
    if (verdict_.failed()) return;
    const uint64_t members =
        cluster_.latest_conf().voters_size() + cluster_.latest_conf().learners_size();
    const int bound = 10 * spec_.node.base.election_tick *
                      static_cast<int>(std::max<uint64_t>(members, spec_.cluster_size));
    std::vector<Probe> probes;
    std::optional<Probe> committed;
    std::pair<uint64_t, uint64_t> proposed_by{0, 0};  // (leader, term) of the last probe
    int round = 0;
    for (; round < bound && !verdict_.failed() && !committed; ++round) {
      Round();
      for (const Probe& p : probes) {
        const SafetyChecker::AppliedRecord* rec = cluster_.checker().Applied(p.index);
        if (rec && rec->entry_known && rec->term == p.term && rec->digest == p.digest) {
          committed = p;
        }
      }
      const uint64_t leader = cluster_.Leader();
      if (committed || leader == 0) continue;
      const std::pair<uint64_t, uint64_t> current{leader, cluster_.node(leader)->raw().term()};
      if (current == proposed_by) continue;
      // A new leadership: propose a fresh probe through it (an old one may have been dropped).
      const std::string data = "probe-" + S(probes.size() + 1);
      Result<ProposalId> r = cluster_.Propose(leader, data);
      if (r.ok()) {
        probes.push_back(
            Probe{r->index, r->term, EntryDigest(r->index, r->term, pb::ENTRY_NORMAL, data)});
        proposed_by = current;
      }
    }
    if (verdict_.failed()) return;
    if (!committed) {
      verdict_.Fail("liveness", "no proposal committed within " + S(bound) +
                                    " tick rounds after healing; " + ClusterSummary());
      return;
    }
    trace_.Record(EventKind::kNote, 0, committed->index, committed->term,
                  "liveness probe committed after " + S(round) + " tick rounds");
    for (int r = 0; r < bound && !verdict_.failed(); ++r) {
      if (AllMembersApplied(committed->index)) break;
      Round();
    }
    if (verdict_.failed()) return;
    if (!AllMembersApplied(committed->index)) {
      verdict_.Fail("convergence", "members did not all apply index " + S(committed->index) +
                                       " within " + S(bound) + " tick rounds; " + ClusterSummary());
      return;
    }
    // Every acknowledged write is at or below the probe, so every member now holds them all.
    for (const auto& [id, n] : cluster_.nodes()) {
      if (n->up() && cluster_.IsMember(id) &&
          n->state_machine().applied_index() < cluster_.outcomes().max_acked_index()) {
        verdict_.Fail("acknowledged-write-durable",
                      "node " + S(id) + " applied only " + S(n->state_machine().applied_index()) +
                          " < acknowledged " + S(cluster_.outcomes().max_acked_index()));
      }
    }
  }

  bool AllMembersApplied(uint64_t index) {
    for (const auto& [id, n] : cluster_.nodes()) {
      if (!cluster_.IsMember(id)) continue;
      if (!n->up() || n->state_machine().applied_index() < index) return false;
    }
    return true;
  }

  std::string ClusterSummary() {
    std::string out = "members " + ConfString(cluster_.latest_conf()) + "; nodes:";
    for (const auto& [id, n] : cluster_.nodes()) {
      out += " [" + S(id);
      if (cluster_.IsDecommissioned(id)) {
        out += " decommissioned]";
        continue;
      }
      if (!n->up()) {
        out += " down]";
        continue;
      }
      const StatusView st = n->raw().GetStatus();
      out += std::string(" ") + RoleName(st.role) + " t" + S(st.term) + " lead=" + S(st.leader) +
             " commit=" + S(st.commit) + " applied=" + S(st.applied) + " last=" +
             S(st.last_index) + " conf=" + ConfString(st.conf_state);
      for (const auto& [peer, pr] : st.progress) {
        out += " progress[" + S(peer) + "]=" + pr.state + " match=" + S(pr.match) +
               " next=" + S(pr.next) + (pr.recent_active ? "" : " inactive");
      }
      out += "]";
    }
    return out;
  }

  uint64_t Fingerprint() const {
    uint64_t h = trace_.total();
    for (const auto& [id, n] : cluster_.nodes()) {
      h = Combine(h, id);
      h = Combine(h, n->storage().LastIndex());
      h = Combine(h, n->state_machine().rolling_digest());
    }
    return Combine(h, cluster_.now());
  }

  const RunSpec& spec_;
  Rng rng_;
  Trace trace_;
  Verdict verdict_;
  SimCluster cluster_;
  FaultInjector faults_;
  SimClients clients_;
};

}  // namespace

RunResult RunSimulation(const RunSpec& spec, const RunOptions& options) {
  Run run(spec, options);
  return run.Execute(options);
}

}  // namespace coord::raft::sim
