// SimStateMachine: the trivial replicated state machine each simulated replica applies
// committed entries to.
//
// Its state is a summary of the applied history: the last applied (index, term), a rolling
// digest over every applied entry (so two replicas at the same index agree on the whole
// prefix iff their digests agree), the number of client commands applied, and the last few
// entries' (index, term, digest) for readable diagnostics. That is all the safety checks
// need, and it serializes to a few hundred bytes: with a small snapshot_chunk_size the core
// has to send snapshots in several chunks.
//
// Thread-safety: none; owned by one SimNode.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "raft/raft.pb.h"
#include "raft/status.h"

namespace coord::raft::sim {

class SimStateMachine {
 public:
  struct Recent {
    uint64_t index = 0;
    uint64_t term = 0;
    uint64_t digest = 0;
  };
  static constexpr size_t kRecent = 12;

  // Applies `e`; its index must be applied_index() + 1 (the caller checks and reports).
  void Apply(const pb::Entry& e);

  uint64_t applied_index() const { return applied_index_; }
  uint64_t applied_term() const { return applied_term_; }
  // Digest of the whole applied history up to applied_index().
  uint64_t rolling_digest() const { return rolling_; }
  uint64_t commands_applied() const { return commands_; }
  const std::deque<Recent>& recent() const { return recent_; }

  std::string Serialize() const;
  // Rebuilds a state machine from Serialize() output.
  static Result<SimStateMachine> Restore(const std::string& data);

  // The rolling digest after applying an entry with digest `entry_digest` on top of `prev`.
  static uint64_t Roll(uint64_t prev, uint64_t entry_digest);

 private:
  uint64_t applied_index_ = 0;
  uint64_t applied_term_ = 0;
  uint64_t rolling_ = 0;
  uint64_t commands_ = 0;
  std::deque<Recent> recent_;
};

}  // namespace coord::raft::sim
