// Router matching, without a server.
#include "api/http/router.h"

#include <gtest/gtest.h>

namespace coord::api::http {
namespace {

Handler Noop() {
  return [](Request, Responder responder) { responder.Send(Response::Text(200, "")); };
}

Router MakeRouter() {
  Router r;
  r.Add(Method::kGet, "/", Noop());
  r.Add(Method::kGet, "/v1/status", Noop());
  r.Add(Method::kGet, "/v1/nodes/*", Noop());
  r.Add(Method::kPut, "/v1/nodes/*", Noop());
  r.Add(Method::kDelete, "/v1/nodes/*", Noop());
  r.Add(Method::kGet, "/v1/nodes/special", Noop());
  r.Add(Method::kGet, "/v1/users/{id}", Noop());
  r.Add(Method::kGet, "/v1/users/{id}/items/{item}", Noop());
  r.Add(Method::kGet, "/v1/users/me", Noop());
  r.Add(Method::kPost, "/v1/echo", Noop());
  r.Add(Method::kHead, "/v1/head-only", Noop());
  return r;
}

TEST(RouterTest, FindTable) {
  const Router router = MakeRouter();
  struct Case {
    Method method;
    std::string path;
    Router::Outcome outcome;
    std::string pattern;  // when found
    std::string rest;
  };
  using O = Router::Outcome;
  const Case cases[] = {
      {Method::kGet, "/", O::kFound, "/", ""},
      {Method::kGet, "/v1/status", O::kFound, "/v1/status", ""},
      {Method::kGet, "/v1/st%61tus", O::kFound, "/v1/status", ""},  // decoded before comparing
      {Method::kGet, "/v1/status/", O::kNotFound, "", ""},
      {Method::kGet, "/v1/statusx", O::kNotFound, "", ""},
      {Method::kGet, "/v1/nodes", O::kFound, "/v1/nodes/*", ""},
      {Method::kGet, "/v1/nodes/", O::kFound, "/v1/nodes/*", ""},
      {Method::kGet, "/v1/nodes/a/b/c", O::kFound, "/v1/nodes/*", "a/b/c"},
      {Method::kGet, "/v1/nodes/a%2Fb%20c", O::kFound, "/v1/nodes/*", "a/b c"},
      {Method::kGet, "/v1/nodes/special", O::kFound, "/v1/nodes/special", ""},  // literal wins
      {Method::kGet, "/v1/nodes/special/x", O::kFound, "/v1/nodes/*", "special/x"},
      {Method::kPut, "/v1/nodes/x", O::kFound, "/v1/nodes/*", "x"},
      {Method::kGet, "/v1/users/me", O::kFound, "/v1/users/me", ""},
      {Method::kGet, "/v1/users/7", O::kFound, "/v1/users/{id}", ""},
      {Method::kGet, "/v1/users/", O::kNotFound, "", ""},  // {id} needs a non-empty segment
      {Method::kGet, "/v1/users/7/items/9", O::kFound, "/v1/users/{id}/items/{item}", ""},
      {Method::kHead, "/v1/status", O::kFound, "/v1/status", ""},   // HEAD falls back to GET
      {Method::kHead, "/v1/head-only", O::kFound, "/v1/head-only", ""},
      {Method::kPost, "/v1/status", O::kMethodNotAllowed, "", ""},
      {Method::kGet, "/v1/echo", O::kMethodNotAllowed, "", ""},
      {Method::kOther, "/v1/status", O::kMethodNotAllowed, "", ""},
      {Method::kGet, "/v2", O::kNotFound, "", ""},
      {Method::kGet, "/v1/nodes/%zz", O::kBadPath, "", ""},
      {Method::kGet, "/nothing/%4", O::kBadPath, "", ""},  // bad even where no route matches
      {Method::kGet, "*", O::kBadPath, "", ""},
      {Method::kGet, "http://host/v1/status", O::kBadPath, "", ""},
  };
  for (const Case& c : cases) {
    Router::Match m = router.Find(c.method, c.path);
    EXPECT_EQ(m.outcome, c.outcome) << MethodName(c.method) << " " << c.path;
    if (m.outcome == O::kFound && c.outcome == O::kFound) {
      EXPECT_EQ(m.route->pattern, c.pattern) << c.path;
      EXPECT_EQ(m.rest, c.rest) << c.path;
    }
  }
}

TEST(RouterTest, ParamsAreDecoded) {
  const Router router = MakeRouter();
  Router::Match m = router.Find(Method::kGet, "/v1/users/a%20b/items/%2F");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  ASSERT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>{"id", "a b"}));
  EXPECT_EQ(m.params[1], (std::pair<std::string, std::string>{"item", "/"}));
}

TEST(RouterTest, AllowListsEveryMethodOfThePath) {
  const Router router = MakeRouter();
  EXPECT_EQ(router.Find(Method::kPost, "/v1/nodes/x").allow, "GET, HEAD, PUT, DELETE");
  EXPECT_EQ(router.Find(Method::kGet, "/v1/echo").allow, "POST");
}

TEST(RouterTest, RegistrationOrderDoesNotMatter) {
  Router a;
  a.Add(Method::kGet, "/x/*", Noop());
  a.Add(Method::kGet, "/x/{id}", Noop());
  Router b;
  b.Add(Method::kGet, "/x/{id}", Noop());
  b.Add(Method::kGet, "/x/*", Noop());
  EXPECT_EQ(a.Find(Method::kGet, "/x/1").route->pattern, "/x/{id}");
  EXPECT_EQ(b.Find(Method::kGet, "/x/1").route->pattern, "/x/{id}");
  EXPECT_EQ(a.Find(Method::kGet, "/x/1/2").route->pattern, "/x/*");
}

TEST(RouterDeathTest, MisuseStopsTheProcess) {
  EXPECT_DEATH(
      {
        Router r;
        r.Add(Method::kGet, "/a/{x}", Noop());
        r.Add(Method::kGet, "/a/{y}", Noop());  // same shape
      },
      "already exists");
  EXPECT_DEATH({ Router().Add(Method::kGet, "no-slash", Noop()); }, "must start with");
  EXPECT_DEATH({ Router().Add(Method::kGet, "/a/*/b", Noop()); }, "last segment");
  EXPECT_DEATH({ Router().Add(Method::kGet, "/a/{}", Noop()); }, "malformed");
}

}  // namespace
}  // namespace coord::api::http
