// Request: what a handler receives, already parsed, decoded and routed.
//
// The HTTP layer fills every field before the handler runs; a handler never sees a request
// whose path or query failed to decode (those are answered 400 by the server).
// Thread-safety: a value type; handlers receive it by value and may move it to other threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/headers.h"
#include "api/http/query.h"

namespace coord::api::http {

enum class Method { kGet, kHead, kPost, kPut, kDelete, kPatch, kOptions, kOther };

// "GET", "HEAD", ...; "OTHER" for kOther.
const char* MethodName(Method method);
// The Method for a request-line token; kOther for anything unknown (case-sensitive, as HTTP).
Method ParseMethod(std::string_view token);

struct Request {
  Method method = Method::kGet;
  std::string method_name;  // as sent, e.g. "PROPFIND" when method == kOther
  std::string target;       // raw request-target, e.g. "/v1/nodes/a%20b?recursive"
  std::string path;         // percent-decoded path, e.g. "/v1/nodes/a b"
  QueryParams query;        // decoded query parameters

  // Filled by the router.
  std::string route;        // the matched pattern, e.g. "/v1/nodes/*"
  std::vector<std::pair<std::string, std::string>> params;  // `{name}` segments, decoded
  std::string rest;         // what a trailing `*` matched, decoded, without leading '/'

  Headers headers;
  std::string body;
  unsigned version = 11;    // 10 for HTTP/1.0, 11 for HTTP/1.1
  std::string remote;       // peer "ip:port", for logs

  // The value of the `{name}` path segment, if the route has one.
  std::optional<std::string_view> Param(std::string_view name) const {
    for (const auto& [k, v] : params) {
      if (k == name) return std::string_view(v);
    }
    return std::nullopt;
  }
};

}  // namespace coord::api::http
