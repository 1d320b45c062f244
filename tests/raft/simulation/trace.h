// Trace: the readable event history of one simulation run.
//
// Recording must be cheap because it happens on every message: events are small structs kept
// in a ring buffer and formatted only when someone reads them (a failing seed prints the last
// few hundred). With echo on (COORD_SIM_TRACE=1) every event is also printed to stderr as it
// happens, which is how a replayed seed shows its whole history.
//
// Thread-safety: none; one simulation run owns its Trace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "raft/raft.pb.h"

namespace coord::raft::sim {

enum class EventKind {
  kNote,          // free text
  kTick,          // node ticked
  kSend,          // message handed to the network
  kDeliver,       // message stepped into its recipient
  kDrop,          // message lost: text says why (random, partition, node down)
  kDuplicate,     // network duplicated a message
  kDelay,         // network delayed a message by `a` steps
  kCrash,         // node crashed; text names the crash point
  kRestart,       // node restarted from its storage; a = incarnation, b = snapshot index
  kStart,         // brand-new node started (added by a conf change)
  kDecommission,  // removed node shut down for good
  kPartition,     // network partition installed; text describes it
  kHeal,          // partitions (and message faults) removed
  kRole,          // node changed role: a = term, b = leader it knows, text = role
  kCommit,        // node persisted commit index a (term b)
  kSnapshot,      // node persisted a snapshot from the leader: a = index, b = term
  kLocalSnapshot, // node took its own snapshot at a, compacted to b
  kPropose,       // client proposal on node: a = index, b = term, text = command
  kProposeFail,   // proposal refused: text = status
  kAck,           // proposal acknowledged: a = index, b = term, text = command
  kDropped,       // proposal dropped (another term committed at its index)
  kReadIssue,     // ReadIndex issued: text = context, a = highest acknowledged index
  kReadState,     // ReadState received: a = read index, text = context
  kReadServed,    // read served at applied index a for read index b
  kConfChange,    // conf change proposed (text) at index a
  kConfApplied,   // conf change applied on a node: text describes it
  kTransfer,      // leadership transfer requested to a
  kViolation,     // an invariant failed: text has the details
};

struct TraceEvent {
  uint64_t step = 0;
  EventKind kind = EventKind::kNote;
  uint64_t node = 0;
  uint64_t a = 0;
  uint64_t b = 0;
  // For message events.
  pb::MessageType msg_type = pb::MSG_UNKNOWN;
  uint64_t from = 0, to = 0, term = 0, index = 0, log_term = 0, commit = 0;
  uint32_t entries = 0;
  bool reject = false;
  std::string text;
};

class Trace {
 public:
  // Keeps the last `capacity` events; with `echo`, prints each event to stderr when recorded.
  explicit Trace(size_t capacity = 400, bool echo = false);

  void set_step(uint64_t step) { step_ = step; }
  uint64_t step() const { return step_; }

  void Record(EventKind kind, uint64_t node, uint64_t a = 0, uint64_t b = 0,
              std::string text = {});
  void RecordMessage(EventKind kind, const pb::Message& m, std::string text = {});

  // The last `n` events (oldest first), one per line.
  std::string Tail(size_t n) const;
  uint64_t total() const { return total_; }

  static std::string Format(const TraceEvent& e);

 private:
  TraceEvent& Slot();
  void Emit(const TraceEvent& e);

  std::vector<TraceEvent> ring_;
  size_t next_ = 0;
  uint64_t total_ = 0;
  uint64_t step_ = 0;
  bool echo_;
};

const char* MessageTypeName(pb::MessageType type);

}  // namespace coord::raft::sim
