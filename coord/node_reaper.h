// NodeReaper: the leader's decisions to delete TTL nodes and containers.
//
// A TTL node is due once it has been unmodified for its TTL and has no children (deadline =
// mtime + ttl, both from the log); a container once it has had children and has none left.
// The store keeps both sets indexed on every replica (indexes.h), so finding what is due is a
// walk over a sorted prefix, never a scan of the tree, and a new leader has the indexes at
// once. Poll turns what is due into Reap commands; apply re-checks each condition (the TTL
// node's mzxid must still be the one seen here, the container must still be empty), so a
// stale or duplicate decision deletes nothing it should not.
//
// Promptness: a due node is proposed by the first Poll at or after its deadline; calling Poll
// at NextDeadline() (or at least every few hundred ms) keeps deletions within about a second.
// A decision not yet applied is not proposed again until retry_ms later.
//
// Pure: time is passed in (the leader's clock, ms), which also stamps the commands, and the
// state is passed in; deadlines use the mtimes stamped by earlier leaders, so clock skew
// between leaders shifts TTL deletions by that skew, as in ZooKeeper.
//
// Thread-safety: not thread-safe; same owner as the LeaseKeeper.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "coord/command.pb.h"
#include "coord/state.h"

namespace coord::store {

class NodeReaper {
 public:
  explicit NodeReaper(int64_t retry_ms = 1000) : retry_ms_(retry_ms > 0 ? retry_ms : 1) {}

  // Forget decisions in flight (they belonged to another term).
  void OnBecomeLeader() { in_flight_.clear(); }
  void OnStepDown() { in_flight_.clear(); }

  // The Reap commands to propose now, stamped with now_ms.
  std::vector<pb::Command> Poll(const State& state, int64_t now_ms);

  // The earliest time at which Poll may have something new to do, or nullopt.
  std::optional<int64_t> NextDeadline(const State& state, int64_t now_ms) const;

 private:
  struct Decision {
    uint64_t mzxid;       // of the TTL node as seen (0 for containers)
    int64_t retry_at_ms;  // when to propose again if it has not applied
  };
  // True if (path, mzxid) was proposed and its retry time has not come.
  bool Pending(const std::string& path, uint64_t mzxid, int64_t now_ms) const;

  const int64_t retry_ms_;
  std::unordered_map<std::string, Decision> in_flight_;
};

}  // namespace coord::store
