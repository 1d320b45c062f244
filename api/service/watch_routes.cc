#include "api/service/watch_routes.h"

#include "api/service/query_params.h"
#include "api/service/reply.h"
#include "api/service/watch_long_poll.h"
#include "api/service/watch_query.h"
#include "api/service/watch_stream.h"

namespace coord::api::service {

void AddWatchRoutes(http::Router& router, const ServiceContext& context) {
  router.Add(http::Method::kGet, "/v1/watch", [context](http::Request req, http::Responder r) {
    SharedResponder resp = Share(std::move(r));
    ApiResult<WatchQuery> query = ParseWatchQuery(req, context.replica->limits(), context.watch_limits);
    if (!query.ok()) return ReplyError(resp, query.error());
    if (query->stream) return StartWatchStream(context, std::move(*query), resp);
    StartLongPoll(context, std::move(*query), resp);
  });
  router.Add(http::Method::kGet, "/v1/sessions/{id}/events",
             [context](http::Request req, http::Responder r) {
               SharedResponder resp = Share(std::move(r));
               if (auto bad = CheckParams(req.query, {"timeout_ms"})) return ReplyError(resp, *bad);
               std::string_view id_text;
               for (const auto& [k, v] : req.params) {
                 if (k == "id") id_text = v;
               }
               ApiResult<uint64_t> id = ParseSessionId(id_text, "session id");
               if (!id.ok()) return ReplyError(resp, id.error());
               ApiResult<std::chrono::milliseconds> timeout = PollTimeoutParam(req.query, context.watch_limits);
               if (!timeout.ok()) return ReplyError(resp, timeout.error());
               context.session_watches->Poll(*id, *timeout, resp);
             });
}

}  // namespace coord::api::service
