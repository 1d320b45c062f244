#include "api/http/router.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "api/http/query.h"

namespace coord::api::http {
namespace {

[[noreturn]] void RouteMisuse(std::string_view what, std::string_view pattern) {
  std::fprintf(stderr, "Router invariant violated: %.*s (pattern '%.*s')\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(pattern.size()),
               pattern.data());
  std::abort();
}

// "/a/b/" -> {"a", "b", ""}; "/" -> {""}. `path` starts with '/'.
std::vector<std::string_view> SplitSegments(std::string_view path) {
  std::vector<std::string_view> out;
  path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    path.remove_prefix(slash + 1);
  }
}

// Specificity per segment: literal 3, param 2, rest 1. Compared lexicographically.
using Score = std::vector<int>;

}  // namespace

Handler SyncHandler(std::function<Response(const Request&)> fn) {
  return [fn = std::move(fn)](Request request, Responder responder) {
    responder.Send(fn(request));
  };
}

void Router::Add(Method method, std::string_view pattern, Handler handler) {
  if (method == Method::kOther) RouteMisuse("method kOther cannot be routed", pattern);
  if (!handler) RouteMisuse("empty handler", pattern);
  if (pattern.empty() || pattern[0] != '/') RouteMisuse("pattern must start with '/'", pattern);

  Route route{method, std::string(pattern), std::move(handler), routes_.size(), {}, false};
  std::vector<std::string_view> parts = SplitSegments(pattern);
  if (parts.back() == "*") {
    route.has_rest = true;
    parts.pop_back();
  }
  // "/" is the root: one empty literal segment.
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view p = parts[i];
    if (p == "*") RouteMisuse("'*' must be the last segment", pattern);
    if (p.size() >= 2 && p.front() == '{' && p.back() == '}') {
      std::string_view name = p.substr(1, p.size() - 2);
      if (name.empty() || name.find_first_of("{}/*") != std::string_view::npos) {
        RouteMisuse("malformed {name} segment", pattern);
      }
      route.segments.push_back({Route::Segment::kParam, std::string(name)});
    } else {
      if (p.find_first_of("{}*%") != std::string_view::npos) {
        RouteMisuse("literal segment contains one of {}*%", pattern);
      }
      if (p.empty() && !(parts.size() == 1 && !route.has_rest) && i + 1 != parts.size()) {
        RouteMisuse("empty segment", pattern);
      }
      route.segments.push_back({Route::Segment::kLiteral, std::string(p)});
    }
  }

  auto same_shape = [&](const Route& other) {
    if (other.method != method || other.has_rest != route.has_rest) return false;
    if (other.segments.size() != route.segments.size()) return false;
    for (size_t i = 0; i < route.segments.size(); ++i) {
      const auto& a = other.segments[i];
      const auto& b = route.segments[i];
      if (a.kind != b.kind) return false;
      if (a.kind == Route::Segment::kLiteral && a.text != b.text) return false;
    }
    return true;
  };
  if (std::any_of(routes_.begin(), routes_.end(), same_shape)) {
    RouteMisuse("a route with this method and pattern already exists", pattern);
  }
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(Method method, std::string_view raw_path) const {
  Match match;
  if (raw_path.empty() || raw_path[0] != '/') {
    match.outcome = Outcome::kBadPath;
    match.error = "request-target must be an absolute path";
    return match;
  }

  // Decode every segment once; a bad escape anywhere makes the whole path a 400, whether or
  // not some route would have matched.
  std::vector<std::string_view> raw_segments = SplitSegments(raw_path);
  std::vector<std::string> segments;
  segments.reserve(raw_segments.size());
  for (std::string_view raw : raw_segments) {
    Result<std::string> decoded = PercentDecode(raw, /*plus_is_space=*/false);
    if (!decoded.ok()) {
      match.outcome = Outcome::kBadPath;
      match.error = "path: " + decoded.status().message();
      return match;
    }
    segments.push_back(std::move(decoded).value());
  }

  // The score of `route` against the path, or empty if it does not match.
  auto score = [&](const Route& route) -> Score {
    const size_t n = route.segments.size();
    if (route.has_rest ? segments.size() < n : segments.size() != n) return {};
    Score s;
    s.reserve(n + 1);
    for (size_t i = 0; i < n; ++i) {
      const Route::Segment& seg = route.segments[i];
      if (seg.kind == Route::Segment::kLiteral) {
        if (segments[i] != seg.text) return {};
        s.push_back(3);
      } else {
        if (segments[i].empty()) return {};
        s.push_back(2);
      }
    }
    if (route.has_rest) s.push_back(1);
    return s;
  };

  // With no HEAD route for the path, HEAD falls back to GET.
  const Route* best = nullptr;
  Score best_score;
  bool methods_seen[8] = {};
  for (int pass = 0; pass < 2 && best == nullptr; ++pass) {
    const Method wanted = (pass == 0) ? method : Method::kGet;
    if (pass == 1 && method != Method::kHead) break;
    for (const Route& route : routes_) {
      Score s = score(route);
      if (s.empty()) continue;
      methods_seen[static_cast<int>(route.method)] = true;
      if (route.method != wanted) continue;
      if (best == nullptr || s > best_score) {
        best = &route;
        best_score = std::move(s);
      }
    }
  }

  if (best == nullptr) {
    bool any = false;
    for (bool seen : methods_seen) any = any || seen;
    if (!any) return match;  // kNotFound
    match.outcome = Outcome::kMethodNotAllowed;
    if (methods_seen[static_cast<int>(Method::kGet)]) methods_seen[static_cast<int>(Method::kHead)] = true;
    for (int m = 0; m < 8; ++m) {
      if (!methods_seen[m]) continue;
      if (!match.allow.empty()) match.allow += ", ";
      match.allow += MethodName(static_cast<Method>(m));
    }
    return match;
  }

  match.outcome = Outcome::kFound;
  match.route = best;
  for (size_t i = 0; i < best->segments.size(); ++i) {
    if (best->segments[i].kind == Route::Segment::kParam) {
      match.params.emplace_back(best->segments[i].text, segments[i]);
    }
  }
  if (best->has_rest) {
    // The rest is decoded from the raw text after the matched prefix, so an encoded "%2F"
    // and a real '/' both come out as '/'.
    size_t offset = 1;  // after the leading '/'
    for (size_t i = 0; i < best->segments.size(); ++i) offset += raw_segments[i].size() + 1;
    if (offset < raw_path.size()) {
      match.rest = PercentDecode(raw_path.substr(offset), /*plus_is_space=*/false).value();
    }
  }
  return match;
}

}  // namespace coord::api::http
