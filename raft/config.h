// Config: everything that parameterizes one Raft node. Plain data; validated by Validate().
#pragma once

#include <cstdint>

#include "raft/status.h"

namespace coord::raft {

class Storage;

// Test-only switches that re-introduce classic Raft bugs, so tests can show the simulation's
// invariant checks catch them. Never set outside tests.
struct InjectedBugs {
  // Commit an entry of a previous term once a majority stores it (Raft paper, Figure 8).
  bool commit_previous_term_by_count = false;
  // Grant votes without checking that the candidate's log is at least as up to date.
  bool skip_vote_log_check = false;
};

struct Config {
  uint64_t id = 0;             // this node; must be non-zero
  const Storage* storage = nullptr;

  // Ticks without hearing from a leader before a follower campaigns. The actual timeout is
  // randomized in [election_tick, 2 * election_tick) on every reset.
  int election_tick = 10;
  int heartbeat_tick = 1;      // a leader sends heartbeats every heartbeat_tick ticks

  // Index of the last entry already applied to the state machine (0 on a fresh start; the
  // snapshot index when the state machine is rebuilt from the latest snapshot).
  uint64_t applied = 0;

  uint64_t max_size_per_msg = 1 << 20;      // bytes of entries in one append
  int max_inflight_msgs = 256;              // unacknowledged appends per follower
  uint64_t max_committed_size_per_ready = 8 << 20;  // bytes of entries applied per Ready
  uint64_t snapshot_chunk_size = 1 << 20;   // bytes of snapshot data per MSG_SNAPSHOT

  bool pre_vote = true;
  bool check_quorum = true;

  // Seed of this node's private RNG (election jitter). The core uses no other randomness.
  uint64_t seed = 1;

  InjectedBugs bugs;

  Status Validate() const {
    if (id == 0) return Status::InvalidArgument("id must be non-zero");
    if (storage == nullptr) return Status::InvalidArgument("storage is required");
    if (heartbeat_tick <= 0) return Status::InvalidArgument("heartbeat_tick must be > 0");
    if (election_tick <= heartbeat_tick)
      return Status::InvalidArgument("election_tick must exceed heartbeat_tick");
    if (max_inflight_msgs <= 0) return Status::InvalidArgument("max_inflight_msgs must be > 0");
    if (snapshot_chunk_size == 0) return Status::InvalidArgument("snapshot_chunk_size must be > 0");
    return Status::Ok();
  }
};

}  // namespace coord::raft
