#include "api/service/txn_routes.h"

#include <string>
#include <vector>

#include "api/service/json_body.h"
#include "api/service/node_json.h"
#include "api/service/query_params.h"
#include "api/service/reply.h"
#include "api/service/write_scope.h"
#include "coord/codec.h"

namespace coord::api::service {
namespace {

using nlohmann::json;

struct TxnPlan {
  store::MultiRequest multi;
  std::vector<std::string> kinds;  // "check", "create", ... per op
  std::vector<std::string> paths;  // as requested
  WriteScope scope;
};

ApiError OpError(ApiError e, size_t index) {
  e.failed_op = static_cast<int>(index);
  return e;
}

ApiResult<store::Op> ParseOp(const json& value, size_t index, const store::Options& limits) {
  const std::string where = "ops[" + std::to_string(index) + "]";
  if (!value.is_object()) {
    return OpError(ApiError(ErrorCode::kInvalidParameter, where + " must be an object"), index);
  }
  JsonFields fields(value, where);
  ApiResult<std::optional<std::string>> kind = fields.String("op");
  if (!kind.ok()) return OpError(kind.error(), index);
  ApiResult<std::optional<std::string>> path = fields.String("path");
  if (!path.ok()) return OpError(path.error(), index);
  if (!*kind) return OpError(ApiError(ErrorCode::kInvalidParameter, fields.Name("op") + " is missing"), index);
  if (!*path) return OpError(ApiError(ErrorCode::kInvalidParameter, fields.Name("path") + " is missing"), index);
  const std::string& k = **kind;
  std::optional<ApiError> unknown;
  if (k == "check" || k == "delete") {
    unknown = fields.CheckKnown({"op", "path", "version"});
  } else if (k == "set") {
    unknown = fields.CheckKnown({"op", "path", "version", "data", "data_b64"});
  } else if (k == "create") {
    unknown = fields.CheckKnown({"op", "path", "data", "data_b64", "mode", "ttl_ms"});
  } else {
    return OpError(ApiError(ErrorCode::kInvalidParameter,
                            fields.Name("op") + " must be check, create, set or delete"),
                   index);
  }
  if (unknown) return OpError(*unknown, index);
  if (k == "create") {
    ApiResult<store::CreateRequest> c = CreateFields(fields, **path, limits);
    if (!c.ok()) return OpError(c.error(), index);
    return store::Op(std::move(*c));
  }
  ApiResult<std::optional<int32_t>> version = fields.Int32("version");
  if (!version.ok()) return OpError(version.error(), index);
  if (auto bad = CheckPath(**path, false, limits)) return OpError(*bad, index);
  if (k == "check") return store::Op(store::CheckRequest{**path, *version});
  if (k == "delete") return store::Op(store::DeleteRequest{**path, *version});
  ApiResult<std::string> data = DataField(fields, limits);
  if (!data.ok()) return OpError(data.error(), index);
  return store::Op(store::SetDataRequest{**path, std::move(*data), *version});
}

ApiResult<TxnPlan> ParseTxn(const http::Request& req, const store::Options& limits) {
  if (auto bad = CheckParams(req.query, {})) return *bad;
  ApiResult<json> body = ParseJsonObject(req.body);
  if (!body.ok()) return body.error();
  JsonFields fields(*body);
  if (auto bad = fields.CheckKnown({"ops", "session"})) return *bad;
  ApiResult<std::optional<uint64_t>> session = fields.SessionId("session");
  if (!session.ok()) return session.error();
  ApiResult<WriteScope> scope = ParseWriteScope(req.headers, *session);
  if (!scope.ok()) return scope.error();
  const json* ops = fields.Get("ops");
  if (!ops || !ops->is_array()) {
    return ApiError(ErrorCode::kInvalidParameter, "field 'ops' must be an array of operations");
  }
  if (ops->size() > limits.max_multi_ops) {
    return ApiError(ErrorCode::kInvalidArgument, "a transaction takes at most " +
                                                     std::to_string(limits.max_multi_ops) + " ops");
  }
  TxnPlan plan;
  plan.scope = *scope;
  for (size_t i = 0; i < ops->size(); ++i) {
    ApiResult<store::Op> op = ParseOp((*ops)[i], i, limits);
    if (!op.ok()) return op.error();
    plan.kinds.push_back((*ops)[i]["op"].get<std::string>());
    plan.paths.push_back((*ops)[i]["path"].get<std::string>());
    if (const auto* c = std::get_if<store::CreateRequest>(&*op);
        c && store::IsEphemeral(c->mode) && plan.scope.session_id == 0) {
      return OpError(ApiError(ErrorCode::kInvalidParameter,
                              "ops[" + std::to_string(i) + "]: mode " + ModeName(c->mode) +
                                  " needs a session (field 'session' or header " + kSessionHeader + ")"),
                     i);
    }
    plan.multi.ops.push_back(std::move(*op));
  }
  return plan;
}

json ResultJson(const std::string& kind, const std::string& path, const store::OpResult& r) {
  json out = {{"op", kind}};
  if (const auto* c = std::get_if<store::CreateResult>(&r)) {
    out["path"] = c->path;
    out["stat"] = StatToJson(c->stat);
  } else if (const auto* s = std::get_if<store::SetDataResult>(&r)) {
    out["path"] = path;
    out["stat"] = StatToJson(s->stat);
  } else {
    out["path"] = path;
  }
  return out;
}

http::Response RefusalResponse(const TxnPlan& plan, const store::Status& status) {
  ApiError error = ApiError::FromStore(status);
  json e = {{"code", error.name()}, {"message", error.message}};
  json body;
  if (status.failed_op() >= 0) {
    e["failed_op"] = status.failed_op();
    json results = json::array();
    for (size_t i = 0; i < plan.kinds.size(); ++i) {
      const store::Code code = store::MultiOpCode(status, static_cast<int>(i));
      results.push_back({{"op", plan.kinds[i]},
                         {"path", plan.paths[i]},
                         {"error", Describe(FromStoreCode(code)).name}});
    }
    body["results"] = std::move(results);
  }
  body["error"] = std::move(e);
  return http::Response::Json(error.http_status(), body);
}

void HandleTxn(const ServiceContext& ctx, http::Request req, http::Responder r) {
  SharedResponder resp = Share(std::move(r));
  ApiResult<TxnPlan> parsed = ParseTxn(req, ctx.replica->limits());
  if (!parsed.ok()) return ReplyError(resp, parsed.error());
  auto plan = std::make_shared<TxnPlan>(std::move(*parsed));
  const store::pb::Command cmd =
      store::MakeCommand(CommandHeaderFor(plan->scope, ctx.replica->NowMs()), plan->multi);
  ctx.replica->Write(cmd, [resp, plan](ApiResult<store::pb::Response> r) {
    if (!r.ok()) return ReplyError(resp, r.error());
    store::Result<store::MultiResult> result = store::MultiResultOf(*r);
    if (!result.ok()) return resp->Send(RefusalResponse(*plan, result.status()));
    if (result->results.size() != plan->kinds.size()) {
      // A replayed answer of a different transaction under the same Idempotency-Key.
      return ReplyError(resp, ApiError(ErrorCode::kInvalidParameter,
                                       "Idempotency-Key was used for a different transaction"));
    }
    json results = json::array();
    for (size_t i = 0; i < result->results.size(); ++i) {
      results.push_back(ResultJson(plan->kinds[i], plan->paths[i], result->results[i]));
    }
    Reply(resp, json{{"zxid", result->zxid}, {"results", std::move(results)}});
  });
}

}  // namespace

void AddTxnRoutes(http::Router& router, const ServiceContext& context) {
  router.Add(http::Method::kPost, "/v1/txn", [context](http::Request req, http::Responder r) {
    HandleTxn(context, std::move(req), std::move(r));
  });
}

}  // namespace coord::api::service
