// OutcomeTracker: what clients were told, and the checks that follow from it.
//
// Proposals. Propose() returns (index, term). The proposing node decides the outcome when it
// applies `index`: the same term means the write is acknowledged to the client; another term
// means it was dropped (its leader was deposed), which the client hears as "dropped", never
// as success. If the node crashes first, the outcome is unknown to the client (as with a
// timeout); a snapshot that jumps over the index resolves it from what was committed there.
//   - acknowledged-write-lost: every node that applies an acknowledged index applies exactly
//     the acknowledged entry there (crashes and snapshots included).
//   - dropped-proposal-applied: a write reported dropped never takes effect anywhere.
//
// Reads. A ReadIndex request remembers the highest index acknowledged to any client before
// it was issued. Linearizability demands that the read observe all of those writes:
//   - read-index-linearizable: the ReadState's index is at least that high;
//   - linearizable-read: the state the read is served from has applied at least that far
//     (state machine safety then says it contains exactly the acknowledged entries).
//
// Thread-safety: none; one per run.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "raft/raw_node.h"
#include "tests/raft/simulation/invariants.h"
#include "tests/raft/simulation/sim_node.h"
#include "tests/raft/simulation/trace.h"
#include "tests/raft/simulation/verdict.h"

namespace coord::raft::sim {

class OutcomeTracker {
 public:
  OutcomeTracker(Verdict* verdict, Trace* trace, const SafetyChecker* checker)
      : verdict_(verdict), trace_(trace), checker_(checker) {}

  void OnProposed(uint64_t node, ProposalId id, const std::string& data);
  // Entries `node` applied. Call before SafetyChecker::OnReady so that a lost acknowledged
  // write is reported under its own name.
  void OnApplied(uint64_t node, const std::vector<AppliedEntry>& applied);
  void OnSnapshotInstalled(uint64_t node, uint64_t index);
  // The node lost its memory: its pending proposals' outcomes and its pending reads are gone.
  void OnCrash(uint64_t node);

  // Register a read before calling RawNode::ReadIndex (its answer may come at once); forget
  // it if the call fails.
  void OnReadIssued(uint64_t node, const std::string& context);
  void ForgetRead(const std::string& context) { reads_.erase(context); }
  void OnReadState(uint64_t node, const ReadState& rs);
  void OnReadServed(uint64_t node, const ServedRead& read);

  uint64_t max_acked_index() const { return max_acked_index_; }
  uint64_t acked() const { return acks_.size(); }
  uint64_t dropped() const { return dropped_count_; }
  uint64_t unknown() const { return unknown_; }
  uint64_t reads_served() const { return reads_served_; }

 private:
  struct Pending {
    uint64_t term = 0;
    uint64_t digest = 0;
    std::string data;
  };
  struct Ack {
    uint64_t term = 0;
    uint64_t digest = 0;
    std::string data;
  };
  struct PendingRead {
    uint64_t node = 0;
    uint64_t min_index = 0;  // highest acknowledged index when issued
    bool got_state = false;
  };
  void Acknowledge(uint64_t node, uint64_t index, const Pending& p);
  void Drop(uint64_t node, uint64_t index, const Pending& p, uint64_t committed_term);

  Verdict* verdict_;
  Trace* trace_;
  const SafetyChecker* checker_;

  std::map<uint64_t, std::map<uint64_t, Pending>> pending_;  // node -> index -> proposal
  std::map<uint64_t, Ack> acks_;                              // index -> acknowledged write
  std::set<std::string> dropped_;
  uint64_t max_acked_index_ = 0;
  uint64_t dropped_count_ = 0;
  uint64_t unknown_ = 0;

  std::map<std::string, PendingRead> reads_;  // context -> read
  uint64_t reads_served_ = 0;
};

}  // namespace coord::raft::sim
