#include "api/http/error.h"

namespace coord::api::http {
namespace {

struct ErrorInfo {
  int status;
  const char* name;
};

ErrorInfo Info(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMalformedRequest: return {400, "MALFORMED_REQUEST"};
    case ErrorCode::kBadPath: return {400, "BAD_PATH"};
    case ErrorCode::kBadQuery: return {400, "BAD_QUERY"};
    case ErrorCode::kNotFound: return {404, "NOT_FOUND"};
    case ErrorCode::kMethodNotAllowed: return {405, "METHOD_NOT_ALLOWED"};
    case ErrorCode::kRequestTimeout: return {408, "REQUEST_TIMEOUT"};
    case ErrorCode::kBodyTooLarge: return {413, "BODY_TOO_LARGE"};
    case ErrorCode::kTooManyConnections: return {429, "TOO_MANY_CONNECTIONS"};
    case ErrorCode::kHeaderTooLarge: return {431, "HEADER_TOO_LARGE"};
    case ErrorCode::kInternal: return {500, "INTERNAL_ERROR"};
  }
  return {500, "INTERNAL_ERROR"};
}

}  // namespace

const char* ErrorCodeName(ErrorCode code) { return Info(code).name; }

int ErrorHttpStatus(ErrorCode code) { return Info(code).status; }

Response ErrorResponse(ErrorCode code, std::string_view message) {
  return Response::Error(Info(code).status, Info(code).name, message);
}

}  // namespace coord::api::http
