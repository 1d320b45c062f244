// Ready: one batch of work the core hands to the application, and the order to do it in.
//
// For each Ready, in this order:
//   1. Send `messages` (they may go out before or while persisting: they depend on nothing
//      that is not already durable).
//   2. Persist, durably (fsync), in one write if possible: `snapshot` if set, then `entries`
//      (which may overwrite a suffix of the stored log), then `hard_state` if set.
//   3. Send `messages_after_persist` (votes and acknowledgements that promise durability).
//   4. Install `snapshot` into the state machine if set, then apply `committed_entries` in
//      order. Serve reads for each `read_states` element once applied >= its index.
//   5. Call RawNode::Advance(ready). Make no other call on the RawNode between GetReady() and
//      Advance().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "raft/raft.pb.h"

namespace coord::raft {

enum class Role { kFollower, kPreCandidate, kCandidate, kLeader };

const char* RoleName(Role role);

// Volatile state that is useful to observe but never persisted.
struct SoftState {
  uint64_t leader = 0;  // 0 when unknown
  Role role = Role::kFollower;
  bool operator==(const SoftState&) const = default;
};

// A linearizable read may be served once the state machine has applied `index`.
struct ReadState {
  uint64_t index = 0;
  std::string context;  // as passed to RawNode::ReadIndex
};

struct Ready {
  std::optional<SoftState> soft_state;       // set when it changed
  std::optional<pb::HardState> hard_state;   // set when it must be persisted
  std::optional<pb::Snapshot> snapshot;      // a snapshot received from the leader
  std::vector<pb::Entry> entries;            // to append to stable storage
  std::vector<pb::Entry> committed_entries;  // to apply, in order
  std::vector<pb::Message> messages;
  std::vector<pb::Message> messages_after_persist;
  std::vector<ReadState> read_states;

  // True when persisting this Ready requires an fsync.
  bool MustSync() const { return hard_state.has_value() || snapshot.has_value() || !entries.empty(); }
};

}  // namespace coord::raft
