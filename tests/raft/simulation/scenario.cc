#include "tests/raft/simulation/scenario.h"

#include "raft/rng.h"
#include "tests/raft/simulation/digest.h"

namespace coord::raft::sim {

const char* FaultMixName(FaultMix mix) {
  switch (mix) {
    case FaultMix::kClean: return "clean";
    case FaultMix::kLossy: return "lossy";
    case FaultMix::kPartitions: return "partitions";
    case FaultMix::kCrashes: return "crashes";
    case FaultMix::kMembership: return "membership";
    case FaultMix::kTransfers: return "transfers";
    case FaultMix::kEverything: return "everything";
    case FaultMix::kFigure8: return "figure8";
  }
  return "?";
}

std::optional<Variant> VariantByName(std::string_view name) {
  Variant v;
  v.name = std::string(name);
  if (name == "default") return v;
  if (name == "no-prevote") {
    v.pre_vote = false;
    v.check_quorum = false;
    return v;
  }
  if (name == "bug-vote-log") {
    v.bugs.skip_vote_log_check = true;
    return v;
  }
  if (name == "bug-figure8") {
    v.bugs.commit_previous_term_by_count = true;
    v.mix = FaultMix::kFigure8;
    // Figure 8 takes several leader changes in a row: runs three times as long find it about
    // ten times as often (measured: median ~35 seeds instead of ~200).
    v.steps_multiplier = 3;
    return v;
  }
  return std::nullopt;
}

namespace {

MessageFaults Lossy(Rng& r) {
  MessageFaults m;
  m.drop = 100 + static_cast<uint32_t>(r.Uniform(900));  // 1% .. 10%
  m.duplicate = static_cast<uint32_t>(r.Uniform(500));
  m.delay = 500 + static_cast<uint32_t>(r.Uniform(2500));
  m.max_delay_steps = 5 + static_cast<uint32_t>(r.Uniform(60));
  m.reorder = true;
  return m;
}

MessageFaults Mild(Rng& r) {
  MessageFaults m;
  m.drop = static_cast<uint32_t>(r.Uniform(200));
  m.duplicate = static_cast<uint32_t>(r.Uniform(100));
  m.delay = static_cast<uint32_t>(r.Uniform(1000));
  m.max_delay_steps = 10;
  m.reorder = r.Chance(1, 2);
  return m;
}

void SetRates(FaultMix mix, Rng& r, RunSpec* spec) {
  FaultRates& f = spec->rates;
  switch (mix) {
    case FaultMix::kClean:
      break;
    case FaultMix::kLossy:
      f.message = Lossy(r);
      f.tick_skew = static_cast<uint32_t>(r.Uniform(2000));
      break;
    case FaultMix::kPartitions:
      f.message = Mild(r);
      f.partition = 20 + static_cast<uint32_t>(r.Uniform(40));
      break;
    case FaultMix::kCrashes:
      f.message = Mild(r);
      f.crash = 15 + static_cast<uint32_t>(r.Uniform(30));
      f.crash_mid_ready_pct = 50;
      f.outage_pct = 10;
      break;
    case FaultMix::kMembership:
      f.message = Mild(r);
      f.conf_change = 30 + static_cast<uint32_t>(r.Uniform(50));
      f.crash = static_cast<uint32_t>(r.Uniform(10));
      f.crash_mid_ready_pct = 30;
      spec->max_added_nodes = 6;
      break;
    case FaultMix::kTransfers:
      f.message = Mild(r);
      f.transfer = 30 + static_cast<uint32_t>(r.Uniform(60));
      f.crash = static_cast<uint32_t>(r.Uniform(10));
      f.crash_mid_ready_pct = 30;
      break;
    case FaultMix::kEverything:
      f.message = Lossy(r);
      f.tick_skew = static_cast<uint32_t>(r.Uniform(1000));
      f.partition = 10 + static_cast<uint32_t>(r.Uniform(20));
      f.crash = 10 + static_cast<uint32_t>(r.Uniform(20));
      f.crash_mid_ready_pct = 50;
      f.outage_pct = 5;
      f.conf_change = 15 + static_cast<uint32_t>(r.Uniform(30));
      f.transfer = 10 + static_cast<uint32_t>(r.Uniform(30));
      spec->max_added_nodes = 4;
      break;
    case FaultMix::kFigure8:
      // Figure 8 of the Raft paper needs: (a) a leader whose entries reach only a minority,
      // (b) another leader of a newer term whose entries stay its own, (c) the first one
      // re-elected, replicating its old-term entries to a majority one by one (appends carry
      // one entry) before its no-op, and (d) a crash right then, losing what it had in
      // flight, so that (b) can win the next election. The targeted crashes make (b) and
      // (d) common; random loss and leader crashes do the rest. Tuned by measurement: with
      // commit_previous_term_by_count on, a violation shows up every ~100 seeds.
      f.message = Mild(r);
      f.message.drop = 200 + static_cast<uint32_t>(r.Uniform(600));
      f.crash = 60 + static_cast<uint32_t>(r.Uniform(60));
      f.crash_leader_pct = 80;
      f.crash_mid_ready_pct = 20;
      f.crash_on_old_term_commit_pct = 100;
      f.crash_new_leader_pct = 25;
      f.min_down_steps = 20;
      f.max_down_steps = 200;
      f.propose = 800;
      f.batch_pct = 40;
      spec->node.base.max_size_per_msg = 1;
      spec->node.base.max_inflight_msgs = 2;
      break;
  }
}

}  // namespace

RunSpec MakeRunSpec(uint64_t seed, const Variant& variant) {
  RunSpec spec;
  spec.seed = seed;
  spec.variant = variant;
  Rng r(DeriveSeed(seed, 0x5ce7a710));
  spec.mix = variant.mix ? *variant.mix : static_cast<FaultMix>(seed % kFaultMixCount);
  static constexpr int kSizes[] = {3, 3, 5, 5, 7};
  // Figure 8 is a five-server scenario: three servers cannot stage all of its steps.
  spec.cluster_size = spec.mix == FaultMix::kFigure8 ? 5 : kSizes[r.Uniform(5)];
  spec.steps = 900 + 200 * spec.cluster_size + static_cast<int>(r.Uniform(500));
  spec.steps *= variant.steps_multiplier;
  spec.tick_round_every = 3 * spec.cluster_size + 2;
  spec.max_voters = 7;

  Config& c = spec.node.base;
  c.election_tick = 6 + static_cast<int>(r.Uniform(5));
  c.heartbeat_tick = 1 + static_cast<int>(r.Uniform(2));
  static constexpr uint64_t kMsgSizes[] = {1, 200, 1 << 20};
  c.max_size_per_msg = kMsgSizes[r.Uniform(3)];
  static constexpr int kInflight[] = {1, 4, 256};
  c.max_inflight_msgs = kInflight[r.Uniform(3)];
  c.max_committed_size_per_ready = r.Chance(1, 3) ? 64 : 8 << 20;
  c.snapshot_chunk_size = 32 + r.Uniform(97);  // 32..128 bytes: snapshots take several chunks
  c.pre_vote = variant.pre_vote;
  c.check_quorum = variant.check_quorum;
  c.bugs = variant.bugs;
  spec.node.snapshot_every = 8 + r.Uniform(40);
  spec.node.compaction_lag = r.Uniform(spec.node.snapshot_every);

  SetRates(spec.mix, r, &spec);
  return spec;
}

std::string DescribeSpec(const RunSpec& s) {
  const Config& c = s.node.base;
  std::string out = std::string("mix=") + FaultMixName(s.mix) + " variant=" + s.variant.name +
                    " nodes=" + std::to_string(s.cluster_size) + " steps=" +
                    std::to_string(s.steps) + " election_tick=" + std::to_string(c.election_tick) +
                    " heartbeat_tick=" + std::to_string(c.heartbeat_tick) +
                    " max_size_per_msg=" + std::to_string(c.max_size_per_msg) +
                    " max_inflight=" + std::to_string(c.max_inflight_msgs) +
                    " chunk=" + std::to_string(c.snapshot_chunk_size) +
                    " snapshot_every=" + std::to_string(s.node.snapshot_every) +
                    " compaction_lag=" + std::to_string(s.node.compaction_lag) +
                    " pre_vote=" + (c.pre_vote ? "on" : "off") +
                    " check_quorum=" + (c.check_quorum ? "on" : "off");
  if (c.bugs.skip_vote_log_check) out += " BUG=skip_vote_log_check";
  if (c.bugs.commit_previous_term_by_count) out += " BUG=commit_previous_term_by_count";
  return out;
}

}  // namespace coord::raft::sim
