#include "api/service/leader_calls.h"

#include "raft/ready.h"

namespace coord::api::service {

pb::MemberInfo LeaderCallHandler::SelfReport() const {
  pb::MemberInfo self = directory_->self();
  const raft::NodeStatus s = replica_->Status();
  self.set_commit(s.commit);
  self.set_applied(s.applied);
  self.set_role(raft::RoleName(s.role));
  return self;
}

raft::Result<std::string> LeaderCallHandler::Handle(std::string_view payload) {
  pb::LeaderCall call;
  if (!call.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return raft::Status::InvalidArgument("undecodable leader call");
  }
  pb::LeaderReply reply;
  switch (call.call_case()) {
    case pb::LeaderCall::kKeepalive:
      *reply.mutable_keepalive() = duties_->Keepalive(call.keepalive().session_id());
      break;
    case pb::LeaderCall::kSessionQuery:
      *reply.mutable_session_query() = duties_->QuerySession(call.session_query().session_id());
      break;
    case pb::LeaderCall::kAnnounce: {
      const int64_t now = replica_->NowMs();
      directory_->Record(call.announce().self(), now);
      pb::AnnounceReply* out = reply.mutable_announce();
      for (auto& [id, member] : directory_->Known()) {
        if (id == directory_->self().id()) {
          pb::MemberInfo self = SelfReport();
          self.set_reported_ms(now);
          *out->add_members() = std::move(self);
        } else {
          *out->add_members() = std::move(member);
        }
      }
      break;
    }
    case pb::LeaderCall::CALL_NOT_SET:
      return raft::Status::InvalidArgument("leader call with no request");
  }
  return reply.SerializeAsString();
}

std::string EncodeCall(const pb::LeaderCall& call) { return call.SerializeAsString(); }

ApiResult<pb::LeaderReply> DecodeReply(const std::string& bytes,
                                       pb::LeaderReply::ReplyCase expected) {
  pb::LeaderReply reply;
  if (!reply.ParseFromString(bytes) || reply.reply_case() != expected) {
    return ApiError(ErrorCode::kInternal, "undecodable answer from the leader");
  }
  return reply;
}

}  // namespace coord::api::service
