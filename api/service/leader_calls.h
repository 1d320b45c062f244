// Leader calls: the dispatcher the leader runs for RaftNode::SetLeaderCallHandler, and the
// encoders the other side uses. The payload is a pb::LeaderCall (leader_call.proto); the
// answer a pb::LeaderReply.
//
//   keepalive      -> LeaderDuties::Keepalive      (POST /v1/sessions/{id}/keepalive)
//   session_query  -> LeaderDuties::QuerySession   (GET /v1/sessions/{id})
//   announce       -> MemberDirectory::Record, answered with the whole directory
//
// Thread-safety: Handle runs on the leader's Raft thread and must stay quick: each handler
// does in-memory work under a short lock.
#pragma once

#include <string>
#include <string_view>

#include "api/service/leader_call.pb.h"
#include "api/service/leader_duties.h"
#include "api/service/member_directory.h"
#include "api/service/replica.h"
#include "raft/status.h"

namespace coord::api::service {

class LeaderCallHandler {
 public:
  // All must outlive the handler.
  LeaderCallHandler(LeaderDuties* duties, MemberDirectory* directory, Replica* replica)
      : duties_(duties), directory_(directory), replica_(replica) {}

  raft::Result<std::string> Handle(std::string_view payload);

  // This node's report of itself (static fields from the directory, progress from Raft).
  pb::MemberInfo SelfReport() const;

 private:
  LeaderDuties* const duties_;
  MemberDirectory* const directory_;
  Replica* const replica_;
};

std::string EncodeCall(const pb::LeaderCall& call);
// The reply of `expected` kind, or an INTERNAL error.
ApiResult<pb::LeaderReply> DecodeReply(const std::string& bytes, pb::LeaderReply::ReplyCase expected);

}  // namespace coord::api::service
