#include "api/service/node_reads.h"

#include "api/service/node_json.h"
#include "api/service/query_params.h"
#include "api/service/reply.h"

namespace coord::api::service {
namespace {

using nlohmann::json;

struct ReadPlan {
  std::string path;
  bool children = false;
  bool stats = false;
  bool base64 = false;
  Consistency consistency = Consistency::kLinearizable;
};

ApiResult<ReadPlan> ParseRead(const http::Request& req, const store::Options& limits) {
  if (auto bad = CheckParams(req.query, {"children", "stats", "consistency", "encoding"})) return *bad;
  ReadPlan plan;
  plan.path = "/" + req.rest;
  ApiResult<bool> children = BoolParam(req.query, "children", false);
  if (!children.ok()) return children.error();
  ApiResult<bool> stats = BoolParam(req.query, "stats", false);
  if (!stats.ok()) return stats.error();
  ApiResult<Consistency> consistency = ConsistencyParam(req.query);
  if (!consistency.ok()) return consistency.error();
  if (std::optional<std::string_view> enc = req.query.Get("encoding")) {
    if (*enc == "base64") {
      plan.base64 = true;
    } else if (*enc != "auto") {
      return ApiError(ErrorCode::kInvalidParameter, "query parameter 'encoding' must be auto or base64");
    }
  }
  if (*stats && !*children) {
    return ApiError(ErrorCode::kInvalidParameter, "query parameter 'stats' needs children=true");
  }
  plan.children = *children;
  plan.stats = *stats;
  plan.consistency = *consistency;
  if (auto bad = CheckPath(plan.path, false, limits)) return *bad;
  return plan;
}

ApiResult<json> Answer(const ReadPlan& plan, const store::StoreView& view) {
  if (plan.children) {
    store::Result<store::ChildrenResult> c = view.Children(plan.path, plan.stats);
    if (!c.ok()) return ApiError::FromStore(c.status());
    json out = {{"path", plan.path}, {"children", c->names}, {"stat", StatToJson(c->stat)},
                {"zxid", view.zxid()}};
    if (plan.stats) {
      json stats = json::array();
      for (const store::Stat& s : c->stats) stats.push_back(StatToJson(s));
      out["child_stats"] = std::move(stats);
    }
    return out;
  }
  store::Result<store::GetResult> g = view.Get(plan.path);
  if (!g.ok()) return ApiError::FromStore(g.status());
  json out = {{"path", plan.path}, {"stat", StatToJson(g->stat)}, {"zxid", view.zxid()}};
  PutData(out, g->data, plan.base64);
  return out;
}

void HandleGet(const ServiceContext& ctx, http::Request req, http::Responder r) {
  SharedResponder resp = Share(std::move(r));
  ApiResult<ReadPlan> plan = ParseRead(req, ctx.replica->limits());
  if (!plan.ok()) return ReplyError(resp, plan.error());
  ctx.replica->Read(plan->consistency, [resp, plan = std::move(*plan)](ApiResult<ViewPtr> view) {
    if (!view.ok()) return ReplyError(resp, view.error());
    Reply(resp, Answer(plan, **view));
  });
}

}  // namespace

void AddNodeReadRoutes(http::Router& router, const ServiceContext& context) {
  // HEAD is served by this route too (the server sends the headers only).
  router.Add(http::Method::kGet, "/v1/nodes/*", [context](http::Request req, http::Responder r) {
    HandleGet(context, std::move(req), std::move(r));
  });
}

}  // namespace coord::api::service
