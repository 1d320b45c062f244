#include "api/service/reply.h"

namespace coord::api::service {

void Reply(const SharedResponder& responder, const ApiResult<nlohmann::json>& result) {
  if (!result.ok()) {
    ReplyError(responder, result.error());
    return;
  }
  responder->Send(http::Response::Json(200, *result));
}

void ReplyError(const SharedResponder& responder, const ApiError& error) {
  responder->Send(error.ToResponse());
}

}  // namespace coord::api::service
