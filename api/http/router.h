// Router: maps (method, path) to a handler.
//
// Patterns are absolute paths made of segments:
//   "/v1/status"       literal segments: the path must be exactly this
//   "/v1/users/{id}"   `{name}` matches exactly one non-empty segment, decoded, in Request::Param
//   "/v1/nodes/*"      a final `*` matches the rest of the path, possibly empty: "/v1/nodes",
//                      "/v1/nodes/" and "/v1/nodes/a/b" all match, Request::rest being "", ""
//                      and "a/b" (percent-decoded, so "%2F" in the rest becomes '/').
// Matching compares percent-decoded segments, so "/v1/st%61tus" matches "/v1/status". When
// several patterns match, the most specific wins, segment by segment: a literal beats a
// `{name}`, which beats `*`. Registration order does not matter.
//
// HEAD is served by the GET route of the path unless a HEAD route is registered; the server
// then drops the body. A path that matches routes of other methods only is a 405 whose Allow
// field lists them; a path that matches nothing is a 404.
//
// Thread-safety: Add() is not thread-safe; the Server takes the Router by value at
// construction, after which it is immutable and matched concurrently from every I/O thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/request.h"
#include "api/http/responder.h"
#include "api/http/response.h"

namespace coord::api::http {

// Runs on the connection's strand (an I/O thread): it must not block. Slow work goes to
// another thread, which answers through the Responder when done.
using Handler = std::function<void(Request request, Responder responder)>;

// Adapts a synchronous function: its Response is sent at once. An exception becomes 500.
Handler SyncHandler(std::function<Response(const Request&)> fn);

class Router {
 public:
  struct Route {
    Method method;
    std::string pattern;
    Handler handler;
    size_t index;  // position in routes(); stable, used for per-route metrics

    struct Segment {
      enum Kind { kLiteral, kParam } kind;
      std::string text;  // the literal, or the parameter name
    };
    std::vector<Segment> segments;
    bool has_rest = false;  // pattern ends in "/*"
  };

  enum class Outcome { kFound, kNotFound, kMethodNotAllowed, kBadPath };

  struct Match {
    Outcome outcome = Outcome::kNotFound;
    const Route* route = nullptr;                              // kFound
    std::vector<std::pair<std::string, std::string>> params;   // kFound
    std::string rest;                                          // kFound
    std::string allow;       // kMethodNotAllowed: "GET, HEAD, PUT"
    std::string error;       // kBadPath: what is wrong with the path
  };

  // Registers `handler` for `method` and `pattern`. An invalid pattern (not starting with '/',
  // `*` not last, malformed `{}`), method kOther, or a second route with the same method and
  // pattern shape is a programming error and stops the process.
  void Add(Method method, std::string_view pattern, Handler handler);

  // `raw_path` is the path of the request-target, still percent-encoded, without the query.
  Match Find(Method method, std::string_view raw_path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace coord::api::http
