// MemberDirectory: what this node knows of every member's client address and progress, for
// GET /v1/cluster.
//
// Raft only knows peer addresses. Client addresses and the followers' applied indexes travel
// by leader calls: every announce_interval each follower reports itself to the leader
// (AnnounceCall) and receives the leader's whole directory in return, so every node learns
// every member's client address within about one interval of the leader hearing of it. The
// leader stamps each report with its clock; entries are as fresh as that stamp. Nothing here
// is replicated state: a restarted node learns it all again within an interval.
//
// Thread-safety: every member may be called from any thread (one mutex, held for copies).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>

#include "api/service/leader_call.pb.h"

namespace coord::api::service {

class MemberDirectory {
 public:
  // `self`: this node's id, client and peer addresses.
  explicit MemberDirectory(pb::MemberInfo self);

  const pb::MemberInfo& self() const { return self_; }

  // The leader: a member's report, stamped with the leader's clock.
  void Record(pb::MemberInfo info, int64_t now_ms);
  // A follower: what the leader knows replaces what this node knew of the others.
  void Merge(const google::protobuf::RepeatedPtrField<pb::MemberInfo>& members);

  // Every member heard of, by id (this node's entry carries only its static fields).
  std::map<uint64_t, pb::MemberInfo> Known() const;

 private:
  const pb::MemberInfo self_;
  mutable std::mutex mu_;
  std::map<uint64_t, pb::MemberInfo> others_;  // GUARDED_BY(mu_)
};

}  // namespace coord::api::service
