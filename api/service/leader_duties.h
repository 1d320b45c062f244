// LeaderDuties: what only the leader does for the namespace, wired to the runtime.
//
//   - on becoming leader of a term: LeaseKeeper::OnBecomeLeader (every session gets a full
//     TTL from now) and NodeReaper::OnBecomeLeader; on losing leadership: OnStepDown on both;
//   - every poll_interval (100 ms by default): propose the ExpireSession commands of
//     LeaseKeeper::Poll and the Reap commands of NodeReaper::Poll, stamped with this node's
//     clock, so a session or TTL node goes within about poll_interval + one commit of its
//     deadline. A lost proposal is proposed again by the keeper / reaper after retry_ms;
//   - keepalives and session queries (leader calls from any node, leader_calls.h), with the
//     per-session keepalive rate limit (keepalive_limiter.h).
//
// Two fences keep a lease from ending while a client is told it lives (found by the Jepsen
// sessions workload: a leader paused past its sessions' deadlines woke up, proposed their
// expiry, and its proposals were forwarded to and committed by the new leader, which had been
// acknowledging those sessions' keepalives all along):
//   - expiries and reaps are proposed with RaftNode::ProposeInTerm for the term the keeper's
//     deadlines belong to, so only the leader of that term can append them;
//   - a new leader answers keepalives only once it has applied its term's first entry, and so
//     every expiry an earlier leader got committed: until then it answers "not ready" (503).
// Lease deadlines are on the monotonic clock (Replica::SteadyMs).
//
// The keeper and reaper read the published view (published_store.h), never the Store.
//
// Threading: the keeper, reaper and limiter are guarded by one mutex (mu_), held only for
// in-memory work (no I/O, no proposals). Leadership comes from the LeaderWatch the runtime
// reports to; the poll (on a Replica completion thread) and the leader-call handlers (on the
// Raft thread) bring the keeper in line with it under the mutex before using it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "api/service/keepalive_limiter.h"
#include "api/service/leader_call.pb.h"
#include "api/service/leader_watch.h"
#include "api/service/replica.h"
#include "coord/lease_keeper.h"
#include "coord/node_reaper.h"

namespace coord::api::service {

struct LeaderDutiesOptions {
  std::chrono::milliseconds poll_interval{100};
  int64_t retry_ms = 1000;
  double keepalive_rate = 10;  // per session per second; <= 0: unlimited
  double keepalive_burst = 10;
};

class LeaderDuties {
 public:
  // `replica` and `leader` must outlive this object.
  LeaderDuties(Replica* replica, const LeaderWatch* leader, LeaderDutiesOptions options);

  // Starts the periodic poll on the replica's completion threads.
  void Start();
  // No poll after this returns (one in progress may finish). Idempotent.
  void Stop();

  // Leader-call handlers (run on the leader's Raft thread).
  // NO_LEADER-style "not ready" outcome while this new leader catches up (see above).
  pb::KeepaliveReply Keepalive(uint64_t session_id);
  pb::SessionQueryReply QuerySession(uint64_t session_id);

  uint64_t expiries_proposed() const { return expiries_proposed_.load(); }
  uint64_t reaps_proposed() const { return reaps_proposed_.load(); }
  uint64_t keepalives_rate_limited() const { return rate_limited_.load(); }

 private:
  void Poll();
  // Brings the keeper and reaper in line with whether this node leads, and in which term (a
  // new term starts them afresh). REQUIRES: mu_ held.
  void Reconcile(bool leading, uint64_t term, const store::State& state, int64_t now_ms);
  // Whether this leader has applied everything committed before its term (see above).
  bool CaughtUpWithTerm(uint64_t applied_zxid) const;

  Replica* const replica_;
  const LeaderWatch* const leader_;
  const LeaderDutiesOptions options_;
  std::atomic<bool> stopped_{false};
  std::atomic<uint64_t> expiries_proposed_{0};
  std::atomic<uint64_t> reaps_proposed_{0};
  std::atomic<uint64_t> rate_limited_{0};

  std::mutex mu_;
  uint64_t duties_term_ = 0;    // GUARDED_BY(mu_): the term the keeper and reaper serve
  store::LeaseKeeper keeper_;   // GUARDED_BY(mu_)
  store::NodeReaper reaper_;    // GUARDED_BY(mu_)
  KeepaliveLimiter limiter_;    // GUARDED_BY(mu_)
};

}  // namespace coord::api::service
