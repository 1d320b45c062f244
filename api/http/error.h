// The errors the HTTP layer itself answers, and the one table that maps each to its HTTP
// status and JSON code. Handlers' own (coord domain) errors are mapped by api/, not here; they
// use the same JSON shape through Response::Error.
//
// Every reply built here has the body {"error": {"code": "...", "message": "..."}}.
// docs/http.md lists the table for clients.
#pragma once

#include <string_view>

#include "api/http/response.h"

namespace coord::api::http {

enum class ErrorCode {
  kMalformedRequest,      // 400: unparsable request line or header, HTTP version other than
                          //      1.0 / 1.1, bad chunking, bad Content-Length, truncated body
  kBadPath,               // 400: request-target is no path ("*") or has a bad %-escape in the path
  kBadQuery,              // 400: bad %-escape in the query string
  kNotFound,              // 404: no route matches the path
  kMethodNotAllowed,      // 405: a route matches the path but not the method (Allow is set)
  kRequestTimeout,        // 408: header or body not received within its timeout
  kBodyTooLarge,          // 413: body over Options::max_body_bytes
  kTooManyConnections,    // 429: Options::max_connections reached; connection then closed
  kHeaderTooLarge,        // 431: request line + header over Options::max_header_bytes
  kInternal,              // 500: handler threw, or dropped its Responder without answering
};

// "BODY_TOO_LARGE", ...
const char* ErrorCodeName(ErrorCode code);
int ErrorHttpStatus(ErrorCode code);

// The JSON error reply for `code`.
Response ErrorResponse(ErrorCode code, std::string_view message);

}  // namespace coord::api::http
