// Answering a request from a completion: the success and error shapes every route shares.
//
// Responders are move-only; completions are std::functions (copyable), so routes hold their
// Responder in a shared_ptr (SharedResponder) from the handler to the answer.
// Thread-safety: as http::Responder (any thread, once).
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "api/http/responder.h"
#include "api/service/api_error.h"

namespace coord::api::service {

using SharedResponder = std::shared_ptr<http::Responder>;

inline SharedResponder Share(http::Responder responder) {
  return std::make_shared<http::Responder>(std::move(responder));
}

// 200 with the JSON body, or the error's status and body.
void Reply(const SharedResponder& responder, const ApiResult<nlohmann::json>& result);
void ReplyError(const SharedResponder& responder, const ApiError& error);

}  // namespace coord::api::service
