#include "api/service/session_routes.h"

#include "api/service/json_body.h"
#include "api/service/leader_calls.h"
#include "api/service/node_json.h"
#include "api/service/query_params.h"
#include "api/service/reply.h"
#include "coord/codec.h"

namespace coord::api::service {
namespace {

using nlohmann::json;

ApiError Expired(uint64_t id) {
  return ApiError(ErrorCode::kSessionExpired,
                  "session " + IdString(id) + " does not exist (expired, closed or never opened)");
}

ApiResult<uint64_t> SessionParam(const http::Request& req) {
  std::optional<std::string_view> id = req.Param("id");
  return ParseSessionId(id ? *id : std::string_view(), "session id");
}

void HandleOpen(const ServiceContext& ctx, http::Request req, http::Responder r) {
  SharedResponder resp = Share(std::move(r));
  if (auto bad = CheckParams(req.query, {})) return ReplyError(resp, *bad);
  ApiResult<json> body = ParseJsonObject(req.body);
  if (!body.ok()) return ReplyError(resp, body.error());
  JsonFields fields(*body);
  if (auto bad = fields.CheckKnown({"ttl_ms"})) return ReplyError(resp, *bad);
  ApiResult<std::optional<int64_t>> ttl = fields.Int64("ttl_ms");
  if (!ttl.ok()) return ReplyError(resp, ttl.error());
  if (*ttl && **ttl <= 0) {
    return ReplyError(resp, ApiError(ErrorCode::kInvalidParameter, "field 'ttl_ms' must be positive"));
  }
  store::CommandHeader header;
  header.time_ms = ctx.replica->NowMs();
  const store::OpenSessionRequest open{ttl->value_or(kDefaultSessionTtlMs)};
  ctx.replica->Write(store::MakeCommand(header, open), [resp](ApiResult<store::pb::Response> r) {
    if (!r.ok()) return ReplyError(resp, r.error());
    store::Result<store::OpenSessionResult> s = store::OpenSessionResultOf(*r);
    if (!s.ok()) return ReplyError(resp, ApiError::FromStore(s.status()));
    Reply(resp, json{{"id", IdString(s->session_id)}, {"ttl_ms", s->ttl_ms}, {"zxid", s->zxid}});
  });
}

void HandleKeepalive(const ServiceContext& ctx, http::Request req, http::Responder r) {
  SharedResponder resp = Share(std::move(r));
  if (auto bad = CheckParams(req.query, {})) return ReplyError(resp, *bad);
  ApiResult<uint64_t> id = SessionParam(req);
  if (!id.ok()) return ReplyError(resp, id.error());
  pb::LeaderCall call;
  call.mutable_keepalive()->set_session_id(*id);
  ctx.replica->CallLeader(EncodeCall(call), [resp, id = *id](ApiResult<std::string> answer) {
    if (!answer.ok()) return ReplyError(resp, answer.error());
    ApiResult<pb::LeaderReply> reply = DecodeReply(*answer, pb::LeaderReply::kKeepalive);
    if (!reply.ok()) return ReplyError(resp, reply.error());
    const pb::KeepaliveReply& k = reply->keepalive();
    switch (k.outcome()) {
      case pb::KEEPALIVE_EXPIRED:
        return ReplyError(resp, Expired(id));
      case pb::KEEPALIVE_LEADER_NOT_READY:
        return ReplyError(resp, ApiError(ErrorCode::kNoLeader,
                                         "the new leader is still catching up; retry shortly"));
      case pb::KEEPALIVE_EXPIRY_PENDING:
        // Not executed, as NO_LEADER always means: the client library retries it, and learns
        // 410 once the expiry is applied or OK from a successor that kept the session.
        return ReplyError(resp, ApiError(ErrorCode::kNoLeader,
                                         "session " + IdString(id) +
                                             " is being expired by a leader that may have been "
                                             "deposed; retry"));
      case pb::KEEPALIVE_RATE_LIMITED: {
        http::Response out =
            ApiError(ErrorCode::kRateLimited,
                     "too many keepalives for session " + IdString(id) + "; slow down")
                .ToResponse();
        out.headers.Set("Retry-After", "1");
        return resp->Send(std::move(out));
      }
      default:
        break;
    }
    json out = {{"id", IdString(id)}};
    if (k.ttl_ms() > 0) {
      out["ttl_ms"] = k.ttl_ms();
      out["remaining_ms"] = k.remaining_ms();
    }
    Reply(resp, out);
  });
}

void HandleClose(const ServiceContext& ctx, http::Request req, http::Responder r) {
  SharedResponder resp = Share(std::move(r));
  if (auto bad = CheckParams(req.query, {})) return ReplyError(resp, *bad);
  ApiResult<uint64_t> id = SessionParam(req);
  if (!id.ok()) return ReplyError(resp, id.error());
  store::CommandHeader header;
  header.time_ms = ctx.replica->NowMs();
  ctx.replica->Write(store::MakeCommand(header, store::CloseSessionRequest{*id}),
                     [resp, id = *id](ApiResult<store::pb::Response> r) {
                       if (!r.ok()) return ReplyError(resp, r.error());
                       store::Result<store::SessionEndResult> s = store::SessionEndResultOf(*r);
                       if (!s.ok()) {
                         if (s.code() == store::Code::kSessionExpired) return ReplyError(resp, Expired(id));
                         return ReplyError(resp, ApiError::FromStore(s.status()));
                       }
                       Reply(resp, json{{"id", IdString(id)}, {"zxid", s->zxid}, {"deleted", s->deleted}});
                     });
}

void HandleGet(const ServiceContext& ctx, http::Request req, http::Responder r) {
  SharedResponder resp = Share(std::move(r));
  if (auto bad = CheckParams(req.query, {"consistency"})) return ReplyError(resp, *bad);
  ApiResult<uint64_t> id = SessionParam(req);
  if (!id.ok()) return ReplyError(resp, id.error());
  ApiResult<Consistency> consistency = ConsistencyParam(req.query);
  if (!consistency.ok()) return ReplyError(resp, consistency.error());
  Replica* replica = ctx.replica;
  replica->Read(*consistency, [resp, replica, id = *id](ApiResult<ViewPtr> view) {
    if (!view.ok()) return ReplyError(resp, view.error());
    std::optional<store::Session> session = (*view)->GetSession(id);
    if (!session) return ReplyError(resp, Expired(id));
    json ephemerals = json::array();
    const store::EphemeralIndex& index = (*view)->state().ephemerals;
    for (auto it = index.LowerBound(store::EphemeralKey{id, {}}); it.Valid() && it->owner == id; it.Next()) {
      ephemerals.push_back(it->path);
    }
    auto out = std::make_shared<json>(json{{"id", IdString(id)},
                                           {"ttl_ms", session->ttl_ms},
                                           {"opened_ms", session->opened_ms},
                                           {"ephemerals", std::move(ephemerals)},
                                           {"zxid", (*view)->zxid()}});
    // The deadline lives only in the leader's memory; without a leader it is unknown (null).
    pb::LeaderCall call;
    call.mutable_session_query()->set_session_id(id);
    replica->CallLeader(EncodeCall(call), [resp, out](ApiResult<std::string> answer) {
      (*out)["remaining_ms"] = nullptr;
      if (answer.ok()) {
        ApiResult<pb::LeaderReply> reply = DecodeReply(*answer, pb::LeaderReply::kSessionQuery);
        if (reply.ok() && reply->session_query().tracked()) {
          (*out)["remaining_ms"] = std::max<int64_t>(0, reply->session_query().remaining_ms());
        }
      }
      Reply(resp, *out);
    });
  });
}

}  // namespace

void AddSessionRoutes(http::Router& router, const ServiceContext& context) {
  router.Add(http::Method::kPost, "/v1/sessions", [context](http::Request req, http::Responder r) {
    HandleOpen(context, std::move(req), std::move(r));
  });
  router.Add(http::Method::kPost, "/v1/sessions/{id}/keepalive",
             [context](http::Request req, http::Responder r) {
               HandleKeepalive(context, std::move(req), std::move(r));
             });
  router.Add(http::Method::kDelete, "/v1/sessions/{id}", [context](http::Request req, http::Responder r) {
    HandleClose(context, std::move(req), std::move(r));
  });
  router.Add(http::Method::kGet, "/v1/sessions/{id}", [context](http::Request req, http::Responder r) {
    HandleGet(context, std::move(req), std::move(r));
  });
}

}  // namespace coord::api::service
