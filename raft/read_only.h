// ReadOnlyQueue: the leader's pending ReadIndex requests (Raft dissertation, section 6.4).
//
// Each request records the commit index when it arrived and the heartbeat round started for
// it. A follower's acknowledgement of round r also vouches for every earlier round (it was
// sent later), so the queue keeps only the highest round each voter acknowledged; once a
// majority vouches for round r, every request up to r is released in order.
//
// Rounds are per term: Reset() on every term or role change drops all pending requests (the
// caller's timeout reports them).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace coord::raft {

class ReadOnlyQueue {
 public:
  struct Request {
    uint64_t index = 0;   // the leader's commit index at the request
    std::string context;  // the requester's opaque context
    uint64_t from = 0;    // requesting node (the leader itself for local reads)
    uint64_t round = 0;
  };

  // Starts a new heartbeat round for `request` and returns its number.
  uint64_t Add(uint64_t index, std::string context, uint64_t from);
  void RecordAck(uint64_t voter, uint64_t round);
  // Removes and returns the requests confirmed by a majority of `voters` (self included).
  std::vector<Request> Release(const std::set<uint64_t>& voters, uint64_t self);
  void Reset();
  bool empty() const { return pending_.empty(); }
  uint64_t last_round() const { return next_round_ - 1; }

 private:
  uint64_t next_round_ = 1;
  std::deque<Request> pending_;
  std::map<uint64_t, uint64_t> acked_round_;  // voter -> highest round acknowledged
};

}  // namespace coord::raft
