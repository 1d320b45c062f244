#include "api/service/node_reads.h"

#include "api/service/node_json.h"
#include "api/service/query_params.h"
#include "api/service/reply.h"
#include "api/service/watch_query.h"
#include "api/service/watch_registration.h"

namespace coord::api::service {
namespace {

using nlohmann::json;

struct ReadPlan {
  std::string path;
  bool children = false;
  bool stats = false;
  bool base64 = false;
  Consistency consistency = Consistency::kLinearizable;
  std::optional<watch::WatchKind> watch;  // ?watch=: a one-shot watch for the session
  bool watch_missing = false;             // ?watch=exists: also watch a node that is missing
  uint64_t session_id = 0;
};

ApiResult<ReadPlan> ParseRead(const http::Request& req, const store::Options& limits) {
  if (auto bad = CheckParams(req.query, {"children", "stats", "consistency", "encoding", "watch"})) {
    return *bad;
  }
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
  ApiResult<std::optional<watch::WatchKind>> watch = ReadWatchParam(req.query);
  if (!watch.ok()) return watch.error();
  if (*watch) {
    std::optional<std::string_view> session = req.headers.Get("Coord-Session");
    if (!session) {
      return ApiError(ErrorCode::kInvalidParameter,
                      "?watch= needs a Coord-Session header: the notification is delivered on "
                      "GET /v1/sessions/<id>/events");
    }
    ApiResult<uint64_t> id = ParseSessionId(*session, "Coord-Session header");
    if (!id.ok()) return id.error();
    plan.session_id = *id;
    // A children watch is set by a children listing, a data watch by a data read (as ZooKeeper).
    const bool children_watch = **watch == watch::WatchKind::kChildren;
    if (children_watch != plan.children) {
      return ApiError(ErrorCode::kInvalidParameter,
                      children_watch ? "watch=children needs children=true"
                                     : "a data watch is set by a data read, not with children=true");
    }
    plan.watch = *watch;
    plan.watch_missing = req.query.Get("watch") == std::optional<std::string_view>("exists");
  }
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
  SessionWatches* watches = ctx.session_watches;
  ctx.replica->Read(plan->consistency, [resp, watches, plan = std::move(*plan)](ApiResult<ViewPtr> view) {
    if (!view.ok()) return ReplyError(resp, view.error());
    ApiResult<json> answer = Answer(plan, **view);
    if (plan.watch) {
      // Set only when the read succeeds, except `exists`, which also watches a missing node
      // for its creation. Starting after the view's zxid loses nothing in between.
      const bool missing = !answer.ok() && answer.error().code == ErrorCode::kNoNode;
      if (answer.ok() || (plan.watch_missing && missing)) {
        if (!(*view)->GetSession(plan.session_id)) {
          return ReplyError(resp, ApiError(ErrorCode::kSessionExpired,
                                           "session " + std::to_string(plan.session_id) +
                                               " has expired or was closed"));
        }
        ApiResult<bool> added =
            watches->Add(plan.session_id, watch::WatchSpec{plan.path, *plan.watch}, (*view)->zxid());
        if (!added.ok()) return ReplyWatchError(resp, added.error());
        if (answer.ok()) {
          (*answer)["watch"] = {{"kind", watch::WatchKindName(*plan.watch)}, {"path", plan.path}};
        } else {
          ApiError e = answer.error();
          e.message += " (the exists watch is set: the creation will be notified)";
          return ReplyError(resp, e);
        }
      }
    }
    Reply(resp, answer);
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
