// SafetyChecker: Raft's safety properties, checked against everything the simulated replicas
// send, persist and apply.
//
// Global records, kept for the whole run:
//   - the leader of every term                            -> election safety
//   - each voter's vote in each term (from granted vote responses and persisted hard states)
//                                                         -> one vote per term (crash safety)
//   - for every (index, term) ever seen in a log (persisted entries and MSG_APPEND payloads):
//     the entry's digest and the term of the entry before it. Two logs holding the same
//     (index, term) agree on it and on its predecessor, so by induction on the index they
//     are identical up to it                              -> log matching
//   - every entry known committed (persisted commit indexes, applied entries, installed
//     snapshots), with an upper bound on the term in which it was committed (the observing
//     node's term: commitment only travels to nodes in that term or later). A newly observed
//     leader of term T must hold every entry committed in a term < T
//                                                         -> leader completeness
//   - for every applied index: (term, digest, rolling digest of the whole prefix). Every
//     node that applies an index or installs a snapshot at it must agree
//                                                         -> state machine safety
//   - persisted hard states only move forward (term, vote within a term, commit).
//
// Thread-safety: none; one per run.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "tests/raft/simulation/sim_node.h"
#include "tests/raft/simulation/verdict.h"

namespace coord::raft::sim {

using NodeMap = std::map<uint64_t, std::unique_ptr<SimNode>>;

class SafetyChecker {
 public:
  explicit SafetyChecker(Verdict* verdict) : verdict_(verdict) {}

  // A message a node hands to the network.
  void OnSend(const pb::Message& m);
  // Everything `node` did while processing one Ready (its storage already reflects it).
  void OnReady(const SimNode& node, const ReadyResult& r);
  // After every event: election safety, and leader completeness for newly seen leaders.
  void AfterEvent(const NodeMap& nodes);
  // Compares every pair of stored logs directly (the incremental check's safety net).
  void CheckStoredLogs(const NodeMap& nodes);

  struct AppliedRecord {
    uint64_t term = 0;
    uint64_t digest = 0;
    uint64_t rolling = 0;
    bool entry_known = false;    // term and digest known (someone applied the entry itself)
    bool rolling_known = false;  // rolling known (applied, or a snapshot was installed here)
  };
  // What was applied at `index` (nullptr if nobody has applied or installed it yet).
  const AppliedRecord* Applied(uint64_t index) const;
  uint64_t leaders_seen() const { return leaders_.size(); }
  uint64_t max_term() const { return leaders_.empty() ? 0 : leaders_.rbegin()->first; }

 private:
  void RecordLogEntry(uint64_t node, uint64_t index, uint64_t term, uint64_t digest,
                      std::optional<uint64_t> prev_term, const char* where);
  void RecordCommitted(uint64_t node, uint64_t index, uint64_t term, uint64_t observed_in_term,
                       const char* how);
  void RecordVote(uint64_t voter, uint64_t term, uint64_t candidate, const char* how);
  void RecordApplied(uint64_t node, const AppliedEntry& e);
  void RecordRolling(uint64_t node, uint64_t index, uint64_t rolling, const char* how);
  void CheckHardState(const SimNode& node, const pb::HardState& hs);
  void CheckLeaderCompleteness(const SimNode& leader, uint64_t term);
  void CheckPair(const SimNode& a, const SimNode& b);
  AppliedRecord& AppliedSlot(uint64_t index);

  Verdict* verdict_;

  std::map<uint64_t, uint64_t> leaders_;  // term -> leader
  // node -> the term in which it was last seen leading (and checked): the per-event check is
  // then a comparison.
  std::unordered_map<uint64_t, uint64_t> seen_leading_;
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> votes_;      // (voter, term) -> candidate

  struct LogRecord {
    uint64_t digest = 0;
    std::optional<uint64_t> prev_term;
  };
  struct PairHash {
    size_t operator()(const std::pair<uint64_t, uint64_t>& p) const {
      return std::hash<uint64_t>()(p.first * 0x9e3779b97f4a7c15ULL ^ p.second);
    }
  };
  std::unordered_map<std::pair<uint64_t, uint64_t>, LogRecord, PairHash> log_;  // (index, term)

  struct CommittedRecord {
    uint64_t term = 0;            // the entry's term (0: not known committed)
    uint64_t commit_term_ub = 0;  // it was committed in this term or an earlier one
  };
  std::vector<CommittedRecord> committed_;  // by index
  uint64_t max_committed_ = 0;
  std::map<uint64_t, uint64_t> commit_checked_;  // node -> commit index already recorded
  std::map<uint64_t, pb::HardState> hard_states_;  // node -> last persisted

  std::vector<AppliedRecord> applied_;
  std::unordered_map<uint64_t, uint64_t> command_index_;  // command digest -> applied index
};

}  // namespace coord::raft::sim
