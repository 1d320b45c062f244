#include "api/service/node_writes.h"

#include <vector>

#include "api/service/json_body.h"
#include "api/service/node_json.h"
#include "api/service/query_params.h"
#include "api/service/reply.h"
#include "api/service/write_scope.h"
#include "coord/codec.h"
#include "coord/path.h"

namespace coord::api::service {
namespace {

using nlohmann::json;

// A transaction refused because of a race with another writer (an ancestor created, a child
// added meanwhile) is planned again from a fresh view, at most this many times. Never with an
// Idempotency-Key: the first refusal is then the cached answer.
constexpr int kMaxReplans = 3;

std::string NodePath(const http::Request& req) { return "/" + req.rest; }

json CreateJson(const store::CreateResult& r) {
  return {{"path", r.path}, {"zxid", r.zxid}, {"stat", StatToJson(r.stat)}};
}

// The parent of a path or sequential prefix: everything before its last '/'.
std::string ParentOf(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == 0 || slash == std::string_view::npos) return "/";
  return std::string(path.substr(0, slash));
}

// ---- create -------------------------------------------------------------------------------

struct CreatePlan {
  store::CreateRequest request;
  WriteScope scope;
  bool parents = false;
};

ApiResult<CreatePlan> ParseCreate(const http::Request& req, const store::Options& limits) {
  if (auto bad = CheckParams(req.query, {"parents"})) return *bad;
  ApiResult<bool> parents = BoolParam(req.query, "parents", false);
  if (!parents.ok()) return parents.error();
  ApiResult<json> body = ParseJsonObject(req.body);
  if (!body.ok()) return body.error();
  JsonFields fields(*body);
  if (auto bad = fields.CheckKnown({"data", "data_b64", "mode", "session", "ttl_ms"})) return *bad;
  ApiResult<std::optional<uint64_t>> session = fields.SessionId("session");
  if (!session.ok()) return session.error();
  ApiResult<WriteScope> scope = ParseWriteScope(req.headers, *session);
  if (!scope.ok()) return scope.error();
  ApiResult<store::CreateRequest> create = CreateFields(fields, NodePath(req), limits);
  if (!create.ok()) return create.error();
  if (store::IsEphemeral(create->mode) && scope->session_id == 0) {
    return ApiError(ErrorCode::kInvalidParameter,
                    std::string("mode ") + ModeName(create->mode) +
                        " needs a session (field 'session' or header " + kSessionHeader + ")");
  }
  return CreatePlan{std::move(*create), *scope, *parents};
}

void CreateOne(const ServiceContext& ctx, const CreatePlan& plan, SharedResponder resp) {
  const store::pb::Command cmd =
      store::MakeCommand(CommandHeaderFor(plan.scope, ctx.replica->NowMs()), plan.request);
  ctx.replica->Write(cmd, [resp](ApiResult<store::pb::Response> r) {
    if (!r.ok()) return ReplyError(resp, r.error());
    store::Result<store::CreateResult> created = store::CreateResultOf(*r);
    if (!created.ok()) return ReplyError(resp, ApiError::FromStore(created.status()));
    Reply(resp, CreateJson(*created));
  });
}

// Create with missing ancestors: one multi creating each missing ancestor (persistent, empty)
// and then the node, so that either all appear or none. Always a multi, even when nothing is
// missing, so that a retry with the same Idempotency-Key (when the ancestors exist) decodes
// the cached answer of the first attempt the same way. Planned from a linearizable read, so a
// lagging replica does not propose ancestors that already exist.
void CreateWithParents(const ServiceContext& ctx, CreatePlan plan, SharedResponder resp,
                       int attempt);

void CreateWithParentsFrom(const ServiceContext& ctx, const ViewPtr& view, CreatePlan plan,
                           SharedResponder resp, int attempt) {
  std::vector<std::string> missing;  // deepest first
  for (std::string p = ParentOf(plan.request.path); p != "/"; p = ParentOf(p)) {
    store::Result<std::optional<store::Stat>> exists = view->Exists(p);
    if (exists.ok() && exists->has_value()) break;
    missing.push_back(p);
  }
  store::MultiRequest multi;
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    store::CreateRequest parent;
    parent.path = *it;
    multi.ops.emplace_back(std::move(parent));
  }
  multi.ops.emplace_back(plan.request);
  const store::pb::Command cmd =
      store::MakeCommand(CommandHeaderFor(plan.scope, ctx.replica->NowMs()), multi);
  ctx.replica->Write(cmd, [ctx, plan = std::move(plan), resp, attempt,
                           missing](ApiResult<store::pb::Response> r) mutable {
    if (!r.ok()) return ReplyError(resp, r.error());
    store::Result<store::MultiResult> result = store::MultiResultOf(*r);
    if (!result.ok()) {
      const store::Status& s = result.status();
      const int op = s.failed_op();
      const bool at_ancestor = op >= 0 && static_cast<size_t>(op) < missing.size();
      if (at_ancestor && s.code() == store::Code::kNodeExists && plan.scope.request_id == 0 &&
          attempt + 1 < kMaxReplans) {
        return CreateWithParents(ctx, std::move(plan), std::move(resp), attempt + 1);
      }
      ApiError e = ApiError::FromStore(s);
      e.failed_op.reset();
      if (at_ancestor) e.message = "creating ancestor " + missing[missing.size() - 1 - op] + ": " + e.message;
      return ReplyError(resp, e);
    }
    if (result->results.empty() ||
        !std::holds_alternative<store::CreateResult>(result->results.back())) {
      return ReplyError(resp, ApiError(ErrorCode::kInternal, "unexpected transaction result"));
    }
    json out = CreateJson(std::get<store::CreateResult>(result->results.back()));
    json parents = json::array();
    for (size_t i = 0; i + 1 < result->results.size(); ++i) {
      if (const auto* c = std::get_if<store::CreateResult>(&result->results[i])) parents.push_back(c->path);
    }
    out["created_parents"] = std::move(parents);
    Reply(resp, out);
  });
}

void CreateWithParents(const ServiceContext& ctx, CreatePlan plan, SharedResponder resp,
                       int attempt) {
  ctx.replica->Read(Consistency::kLinearizable, [ctx, plan = std::move(plan), resp,
                                                 attempt](ApiResult<ViewPtr> view) mutable {
    if (!view.ok()) return ReplyError(resp, view.error());
    CreateWithParentsFrom(ctx, *view, std::move(plan), std::move(resp), attempt);
  });
}

void HandleCreate(const ServiceContext& ctx, http::Request req, http::Responder r) {
  SharedResponder resp = Share(std::move(r));
  ApiResult<CreatePlan> plan = ParseCreate(req, ctx.replica->limits());
  if (!plan.ok()) return ReplyError(resp, plan.error());
  if (plan->parents) return CreateWithParents(ctx, std::move(*plan), std::move(resp), 0);
  CreateOne(ctx, *plan, std::move(resp));
}

// ---- set ----------------------------------------------------------------------------------

void HandleSet(const ServiceContext& ctx, http::Request req, http::Responder r) {
  SharedResponder resp = Share(std::move(r));
  const store::Options& limits = ctx.replica->limits();
  if (auto bad = CheckParams(req.query, {"version"})) return ReplyError(resp, *bad);
  ApiResult<std::optional<int32_t>> version = VersionParam(req.query);
  if (!version.ok()) return ReplyError(resp, version.error());
  ApiResult<json> body = ParseJsonObject(req.body);
  if (!body.ok()) return ReplyError(resp, body.error());
  JsonFields fields(*body);
  if (auto bad = fields.CheckKnown({"data", "data_b64"})) return ReplyError(resp, *bad);
  ApiResult<std::string> data = DataField(fields, limits);
  if (!data.ok()) return ReplyError(resp, data.error());
  ApiResult<WriteScope> scope = ParseWriteScope(req.headers, std::nullopt);
  if (!scope.ok()) return ReplyError(resp, scope.error());
  store::SetDataRequest set{NodePath(req), std::move(*data), *version};
  if (auto bad = CheckPath(set.path, false, limits)) return ReplyError(resp, *bad);
  const std::string path = set.path;
  ctx.replica->Write(store::MakeCommand(CommandHeaderFor(*scope, ctx.replica->NowMs()), set),
                     [resp, path](ApiResult<store::pb::Response> r) {
                       if (!r.ok()) return ReplyError(resp, r.error());
                       store::Result<store::SetDataResult> s = store::SetDataResultOf(*r);
                       if (!s.ok()) return ReplyError(resp, ApiError::FromStore(s.status()));
                       Reply(resp, json{{"path", path}, {"zxid", s->zxid}, {"stat", StatToJson(s->stat)}});
                     });
}

// ---- delete -------------------------------------------------------------------------------

struct DeletePlan {
  std::string path;
  std::optional<int32_t> version;
  WriteScope scope;
};

// The subtree under `root` in post-order (children before their parent, `root` last), or an
// error if it has more than `limit` nodes.
ApiResult<std::vector<std::string>> Subtree(const store::StoreView& view, const std::string& root,
                                            size_t limit) {
  std::vector<std::string> preorder{root};
  for (size_t i = 0; i < preorder.size(); ++i) {
    store::Result<store::ChildrenResult> children = view.Children(preorder[i]);
    if (!children.ok()) {
      if (i == 0) return ApiError::FromStore(children.status());
      continue;  // vanished meanwhile: the transaction will tell
    }
    for (const std::string& name : children->names) {
      preorder.push_back(store::ChildPath(preorder[i], name));
      if (preorder.size() > limit) {
        return ApiError(ErrorCode::kInvalidArgument,
                        "recursive delete is limited to " + std::to_string(limit) +
                            " nodes in one transaction; delete deeper subtrees first");
      }
    }
  }
  return std::vector<std::string>(preorder.rbegin(), preorder.rend());
}

void DeleteRecursive(const ServiceContext& ctx, DeletePlan plan, SharedResponder resp, int attempt) {
  ctx.replica->Read(Consistency::kLinearizable, [ctx, plan = std::move(plan), resp,
                                                 attempt](ApiResult<ViewPtr> view) mutable {
    if (!view.ok()) return ReplyError(resp, view.error());
    ApiResult<std::vector<std::string>> nodes =
        Subtree(**view, plan.path, ctx.replica->limits().max_multi_ops);
    if (!nodes.ok()) {
      // With an Idempotency-Key the node may be gone because this very request deleted it:
      // propose anyway, so that the dedup table answers (or the store says NO_NODE).
      if (nodes.error().code != ErrorCode::kNoNode || plan.scope.request_id == 0) {
        return ReplyError(resp, nodes.error());
      }
      nodes = std::vector<std::string>{plan.path};
    }
    store::MultiRequest multi;
    for (const std::string& p : *nodes) {
      store::DeleteRequest d{p, std::nullopt};
      if (p == plan.path) d.expected_version = plan.version;
      multi.ops.emplace_back(std::move(d));
    }
    const store::pb::Command cmd =
        store::MakeCommand(CommandHeaderFor(plan.scope, ctx.replica->NowMs()), multi);
    ctx.replica->Write(cmd, [ctx, plan = std::move(plan), resp, attempt,
                             nodes = std::move(*nodes)](ApiResult<store::pb::Response> r) mutable {
      if (!r.ok()) return ReplyError(resp, r.error());
      store::Result<store::MultiResult> result = store::MultiResultOf(*r);
      if (!result.ok()) {
        const store::Status& s = result.status();
        const int op = s.failed_op();
        const bool at_root = op >= 0 && static_cast<size_t>(op) + 1 == nodes.size();
        // A child added or removed meanwhile: plan again from a fresh view. A refusal of the
        // root itself (its version, its absence) is the answer.
        const bool race = !at_root && (s.code() == store::Code::kNotEmpty ||
                                       s.code() == store::Code::kNoNode);
        if ((race || (at_root && s.code() == store::Code::kNotEmpty)) &&
            plan.scope.request_id == 0 && attempt + 1 < kMaxReplans) {
          return DeleteRecursive(ctx, std::move(plan), std::move(resp), attempt + 1);
        }
        ApiError e = ApiError::FromStore(s);
        e.failed_op.reset();
        if (op >= 0 && !at_root && static_cast<size_t>(op) < nodes.size()) {
          e.message = "deleting " + nodes[op] + ": " + e.message;
        }
        return ReplyError(resp, e);
      }
      Reply(resp, json{{"path", plan.path}, {"zxid", result->zxid}, {"deleted", result->results.size()}});
    });
  });
}

void HandleDelete(const ServiceContext& ctx, http::Request req, http::Responder r) {
  SharedResponder resp = Share(std::move(r));
  if (auto bad = CheckParams(req.query, {"version", "recursive"})) return ReplyError(resp, *bad);
  ApiResult<std::optional<int32_t>> version = VersionParam(req.query);
  if (!version.ok()) return ReplyError(resp, version.error());
  ApiResult<bool> recursive = BoolParam(req.query, "recursive", false);
  if (!recursive.ok()) return ReplyError(resp, recursive.error());
  if (!req.body.empty()) {
    return ReplyError(resp, ApiError(ErrorCode::kInvalidParameter, "DELETE takes no body"));
  }
  ApiResult<WriteScope> scope = ParseWriteScope(req.headers, std::nullopt);
  if (!scope.ok()) return ReplyError(resp, scope.error());
  DeletePlan plan{NodePath(req), *version, *scope};
  if (auto bad = CheckPath(plan.path, false, ctx.replica->limits())) return ReplyError(resp, *bad);
  if (plan.path == "/") {
    return ReplyError(resp, ApiError(ErrorCode::kInvalidArgument, "the root cannot be deleted"));
  }
  if (*recursive) return DeleteRecursive(ctx, std::move(plan), std::move(resp), 0);
  const std::string path = plan.path;
  ctx.replica->Write(
      store::MakeCommand(CommandHeaderFor(plan.scope, ctx.replica->NowMs()),
                         store::DeleteRequest{plan.path, plan.version}),
      [resp, path](ApiResult<store::pb::Response> r) {
        if (!r.ok()) return ReplyError(resp, r.error());
        store::Result<store::DeleteResult> d = store::DeleteResultOf(*r);
        if (!d.ok()) return ReplyError(resp, ApiError::FromStore(d.status()));
        Reply(resp, json{{"path", path}, {"zxid", d->zxid}, {"deleted", 1}});
      });
}

}  // namespace

void AddNodeWriteRoutes(http::Router& router, const ServiceContext& context) {
  router.Add(http::Method::kPost, "/v1/nodes/*", [context](http::Request req, http::Responder r) {
    HandleCreate(context, std::move(req), std::move(r));
  });
  router.Add(http::Method::kPut, "/v1/nodes/*", [context](http::Request req, http::Responder r) {
    HandleSet(context, std::move(req), std::move(r));
  });
  router.Add(http::Method::kDelete, "/v1/nodes/*", [context](http::Request req, http::Responder r) {
    HandleDelete(context, std::move(req), std::move(r));
  });
}

}  // namespace coord::api::service
