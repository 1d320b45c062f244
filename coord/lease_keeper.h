// LeaseKeeper: the leader's clock for sessions. It decides which sessions have expired and
// hands back the ExpireSession commands to propose; every replica then deletes the session's
// ephemerals when the entry applies, at the same zxid. This is etcd's lessor split: only the
// leader expires leases, by proposing the revocation through the log.
//
// Deadlines live only here, in the leader's memory. Keepalives move them without touching
// the log. On becoming leader every session gets a full TTL from that moment (ZooKeeper and
// etcd do the same), so a failover, which loses the old leader's deadlines, never expires a
// healthy session; a session is never expired earlier than its TTL after the keeper last
// heard of it.
//
// Pure: the caller passes the time (the leader's clock, ms) and the replicated state to
// consult; no threads, no clock, no randomness, so tests drive it with explicit times.
// Finding due sessions is O(log n) per session due (an ordered index of deadlines).
//
// A proposed expiry may be lost (leadership change, dropped proposal): Poll proposes it again
// after retry_ms if the session still exists. Once an expiry has been proposed, keepalives for
// that session are refused: the session is doomed and its client should learn so at once.
// A stale expiry (proposed by a leader that has since lost leadership) still applies when
// committed; that leader did not hear from the session for a whole TTL, which is the
// contract.
//
// Thread-safety: not thread-safe; owned by the thread that runs the leader's timers, which
// must pass a State it may read (the Store's on the apply thread, or a StoreView's).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "coord/command.pb.h"
#include "coord/state.h"
#include "coord/status.h"

namespace coord::store {

class LeaseKeeper {
 public:
  explicit LeaseKeeper(int64_t retry_ms = 1000) : retry_ms_(retry_ms > 0 ? retry_ms : 1) {}

  // Starts tracking every session in `state`, each with deadline now + its TTL.
  void OnBecomeLeader(const State& state, int64_t now_ms);
  // Forgets all deadlines; Poll returns nothing until the next OnBecomeLeader.
  void OnStepDown();
  bool is_leader() const { return leader_; }

  // Refreshes a session's deadline to now + TTL. kSessionExpired if the session does not
  // exist in `state` or its expiry was already proposed; kInvalidArgument if not leader.
  Status Keepalive(const State& state, uint64_t session_id, int64_t now_ms);

  // The ExpireSession commands to propose now (stamped with now_ms), one per session whose
  // deadline has passed. Picks up sessions opened since the last call first.
  std::vector<pb::Command> Poll(const State& state, int64_t now_ms) {
    return Poll(state, now_ms, now_ms);
  }
  // As above, with deadlines on one clock (now_ms: a monotonic one, so that a wall-clock step
  // neither expires nor prolongs leases) and the commands stamped with another (stamp_ms:
  // the wall clock the state machine records).
  std::vector<pb::Command> Poll(const State& state, int64_t now_ms, int64_t stamp_ms);

  // The earliest time at which Poll may have something to do, or nullopt if nothing is
  // tracked. Sessions opened since the last Poll or Keepalive are not counted until then.
  std::optional<int64_t> NextDeadline() const;

  // The deadline the keeper holds for a session (for tests and metrics).
  std::optional<int64_t> DeadlineOf(uint64_t session_id) const;

 private:
  struct Tracked {
    int64_t deadline_ms;  // or, once expiring, the time to propose again
    int64_t ttl_ms;
    bool expiring;
  };

  void Track(uint64_t id, int64_t ttl_ms, int64_t deadline_ms);
  void Reschedule(uint64_t id, Tracked& t, int64_t deadline_ms);
  // Starts tracking sessions with ids above the highest seen (ids increase, session.h).
  void DiscoverNew(const State& state, int64_t now_ms);

  const int64_t retry_ms_;
  bool leader_ = false;
  uint64_t highest_seen_ = 0;
  std::unordered_map<uint64_t, Tracked> sessions_;
  std::set<std::pair<int64_t, uint64_t>> by_deadline_;  // (deadline_ms, id)
};

}  // namespace coord::store
