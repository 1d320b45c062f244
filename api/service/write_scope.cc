#include "api/service/write_scope.h"

#include <string>

#include "api/service/query_params.h"

namespace coord::api::service {
namespace {

// The single value of header `name`, if any; a repeated header is refused rather than
// guessing which copy the client meant.
ApiResult<std::optional<std::string_view>> SingleHeader(const http::Headers& headers,
                                                        std::string_view name) {
  std::optional<std::string_view> value;
  for (const auto& [k, v] : headers.fields()) {
    if (!http::EqualsIgnoreCase(k, name)) continue;
    if (value) {
      return ApiError(ErrorCode::kInvalidParameter, "header " + std::string(name) + " given twice");
    }
    value = v;
  }
  return value;
}

}  // namespace

ApiResult<WriteScope> ParseWriteScope(const http::Headers& headers,
                                      std::optional<uint64_t> body_session) {
  WriteScope scope;
  auto session = SingleHeader(headers, kSessionHeader);
  if (!session.ok()) return session.error();
  if (*session) {
    ApiResult<uint64_t> id = ParseSessionId(**session, std::string("header ") + kSessionHeader);
    if (!id.ok()) return id.error();
    scope.session_id = *id;
  }
  if (body_session) {
    if (scope.session_id != 0 && scope.session_id != *body_session) {
      return ApiError(ErrorCode::kInvalidParameter, std::string("the body's session and header ") +
                                                        kSessionHeader + " disagree");
    }
    scope.session_id = *body_session;
  }
  auto key = SingleHeader(headers, kIdempotencyHeader);
  if (!key.ok()) return key.error();
  if (*key) {
    std::optional<uint64_t> id = ParseUint64(**key);
    if (!id || *id == 0) {
      return ApiError(ErrorCode::kInvalidParameter,
                      std::string("header ") + kIdempotencyHeader +
                          " must be a positive decimal integer (unique and increasing per session)");
    }
    if (scope.session_id == 0) {
      return ApiError(ErrorCode::kInvalidParameter,
                      std::string("header ") + kIdempotencyHeader + " needs a session (header " +
                          kSessionHeader + "): request ids are scoped to a session");
    }
    scope.request_id = *id;
  }
  return scope;
}

store::CommandHeader CommandHeaderFor(const WriteScope& scope, int64_t now_ms) {
  store::CommandHeader h;
  h.time_ms = now_ms;
  h.session_id = scope.session_id;
  h.request_id = scope.request_id;
  return h;
}

}  // namespace coord::api::service
