#include "api/service/cluster_routes.h"

#include <set>

#include "api/service/query_params.h"
#include "api/service/reply.h"
#include "raft/ready.h"

namespace coord::api::service {
namespace {

using nlohmann::json;

json ClusterJson(const ServiceContext& ctx) {
  const raft::NodeStatus s = ctx.replica->Status();
  const int64_t now = ctx.replica->NowMs();
  const std::map<uint64_t, pb::MemberInfo> known = ctx.members->Known();
  const uint64_t leader = s.leader != 0 ? s.leader : 0;
  std::set<uint64_t> voters(s.conf_state.voters().begin(), s.conf_state.voters().end());
  std::set<uint64_t> ids = voters;
  ids.insert(s.conf_state.learners().begin(), s.conf_state.learners().end());
  json members = json::array();
  for (uint64_t id : ids) {
    json m = {{"id", id}, {"voter", voters.count(id) > 0}};
    auto it = known.find(id);
    const pb::MemberInfo* info = it == known.end() ? nullptr : &it->second;
    if (id == s.id) {
      m["role"] = raft::RoleName(s.role);
      m["commit"] = s.commit;
      m["applied"] = s.applied;
      m["reported_ms_ago"] = 0;
    } else {
      m["role"] = id == leader ? "leader" : (voters.count(id) ? "follower" : "learner");
      if (info && info->reported_ms() > 0) {
        m["commit"] = info->commit();
        m["applied"] = info->applied();
        m["reported_ms_ago"] = std::max<int64_t>(0, now - info->reported_ms());
      } else {
        m["commit"] = nullptr;
        m["applied"] = nullptr;
        m["reported_ms_ago"] = nullptr;
      }
    }
    auto peer = s.peers.find(id);
    if (id == s.id) {
      m["peer"] = ctx.members->self().peer();
    } else if (peer != s.peers.end()) {
      m["peer"] = peer->second;
    } else {
      m["peer"] = info ? json(info->peer()) : json(nullptr);
    }
    m["client"] = info && !info->client().empty() ? json(info->client()) : json(nullptr);
    members.push_back(std::move(m));
  }
  return {{"leader", leader != 0 ? json(leader) : json(nullptr)},
          {"term", s.term},
          {"self", s.id},
          {"members", std::move(members)}};
}

void HandleReady(const ServiceContext& ctx, http::Request req, http::Responder r) {
  SharedResponder resp = Share(std::move(r));
  if (auto bad = CheckParams(req.query, {})) return ReplyError(resp, *bad);
  const raft::NodeStatus s = ctx.replica->Status();
  if (s.leader == 0) {
    return ReplyError(resp, ApiError(ErrorCode::kNotReady, "no leader"));
  }
  ctx.replica->BarrierWithin(ctx.ready_timeout, [resp, leader = s.leader](ApiResult<ViewPtr> view) {
    if (!view.ok()) {
      return ReplyError(resp, ApiError(ErrorCode::kNotReady,
                                       "not caught up with the leader: " + view.error().message));
    }
    Reply(resp, json{{"ready", true}, {"leader", leader}, {"applied", (*view)->zxid()}});
  });
}

}  // namespace

void AddClusterRoutes(http::Router& router, const ServiceContext& context) {
  router.Add(http::Method::kGet, "/v1/cluster", [context](http::Request req, http::Responder r) {
    SharedResponder resp = Share(std::move(r));
    if (auto bad = CheckParams(req.query, {})) return ReplyError(resp, *bad);
    Reply(resp, ClusterJson(context));
  });
  router.Add(http::Method::kGet, "/health", http::SyncHandler([](const http::Request&) {
               return http::Response::Json(200, {{"status", "ok"}});
             }));
  router.Add(http::Method::kGet, "/ready", [context](http::Request req, http::Responder r) {
    HandleReady(context, std::move(req), std::move(r));
  });
}

}  // namespace coord::api::service
