// RunStats: what happened during simulation runs, so tests can assert that the faults and
// protocol paths they are meant to exercise actually occurred (a simulation that never
// crashes a node mid-Ready proves nothing about crash safety).
#pragma once

#include <cstdint>
#include <string>

namespace coord::raft::sim {

struct RunStats {
  uint64_t runs = 0;
  uint64_t steps = 0;
  uint64_t tick_rounds = 0;
  uint64_t delivered = 0;
  uint64_t leaders = 0;                 // distinct (term, leader) pairs observed
  uint64_t max_term = 0;
  uint64_t crashes = 0;
  uint64_t mid_ready_crashes = 0;
  uint64_t outages = 0;                 // whole-cluster crashes
  uint64_t old_term_commits = 0;        // leaders seen committing at an older term's entry
  uint64_t restarts = 0;
  uint64_t partitions = 0;
  uint64_t snapshots_installed = 0;     // snapshots received from a leader and persisted
  uint64_t local_snapshots = 0;
  uint64_t conf_changes_proposed = 0;
  uint64_t conf_changes_applied = 0;    // harness-proposed changes that took effect
  uint64_t nodes_added = 0;
  uint64_t nodes_decommissioned = 0;
  uint64_t transfers = 0;
  uint64_t acked = 0;
  uint64_t dropped = 0;
  uint64_t unknown = 0;
  uint64_t reads_served = 0;

  void Add(const RunStats& o) {
    runs += o.runs;
    steps += o.steps;
    tick_rounds += o.tick_rounds;
    delivered += o.delivered;
    leaders += o.leaders;
    max_term = max_term > o.max_term ? max_term : o.max_term;
    crashes += o.crashes;
    mid_ready_crashes += o.mid_ready_crashes;
    outages += o.outages;
    old_term_commits += o.old_term_commits;
    restarts += o.restarts;
    partitions += o.partitions;
    snapshots_installed += o.snapshots_installed;
    local_snapshots += o.local_snapshots;
    conf_changes_proposed += o.conf_changes_proposed;
    conf_changes_applied += o.conf_changes_applied;
    nodes_added += o.nodes_added;
    nodes_decommissioned += o.nodes_decommissioned;
    transfers += o.transfers;
    acked += o.acked;
    dropped += o.dropped;
    unknown += o.unknown;
    reads_served += o.reads_served;
  }

  std::string ToString() const {
    auto f = [](const char* name, uint64_t v) { return std::string(name) + "=" + std::to_string(v) + " "; };
    return f("runs", runs) + f("steps", steps) + f("delivered", delivered) + f("leaders", leaders) +
           f("max_term", max_term) + f("crashes", crashes) + f("mid_ready", mid_ready_crashes) +
           f("outages", outages) + f("old_term_commits", old_term_commits) + f("restarts", restarts) + f("partitions", partitions) +
           f("snap_installs", snapshots_installed) + f("local_snaps", local_snapshots) +
           f("conf_proposed", conf_changes_proposed) + f("conf_applied", conf_changes_applied) +
           f("added", nodes_added) + f("decommissioned", nodes_decommissioned) +
           f("transfers", transfers) + f("acked", acked) + f("dropped", dropped) +
           f("unknown", unknown) + f("reads", reads_served);
  }
};

}  // namespace coord::raft::sim
