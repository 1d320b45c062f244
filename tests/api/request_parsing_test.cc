// Table tests of request parsing: query parameters, numbers, JSON bodies and fields, node
// fields, and the exactly-once scope headers.
#include <gtest/gtest.h>

#include "api/service/json_body.h"
#include "api/service/node_json.h"
#include "api/service/query_params.h"
#include "api/service/write_scope.h"

namespace coord::api::service {
namespace {

using nlohmann::json;

http::QueryParams Query(std::string_view raw) { return *http::ParseQuery(raw); }

TEST(Numbers, ParseUint64AndInt64Strictly) {
  EXPECT_EQ(ParseUint64("0"), 0u);
  EXPECT_EQ(ParseUint64("18446744073709551615"), UINT64_MAX);
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1e3", "0x10", "18446744073709551616",
                          "99999999999999999999999"}) {
    EXPECT_FALSE(ParseUint64(bad).has_value()) << bad;
  }
  EXPECT_EQ(ParseInt64("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(ParseInt64("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(ParseInt64("9223372036854775808").has_value());
  EXPECT_FALSE(ParseInt64("-9223372036854775809").has_value());
  EXPECT_FALSE(ParseInt64("-").has_value());
}

TEST(QueryParams, UnknownAndRepeatedParametersAreRefused) {
  EXPECT_FALSE(CheckParams(Query("version=1&recursive"), {"version", "recursive"}).has_value());
  std::optional<ApiError> unknown = CheckParams(Query("verison=1"), {"version"});
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->code, ErrorCode::kInvalidParameter);
  EXPECT_NE(unknown->message.find("'verison'"), std::string::npos) << unknown->message;
  EXPECT_TRUE(CheckParams(Query("version=1&version=2"), {"version"}).has_value());
  EXPECT_TRUE(CheckParams(Query("x"), {}).has_value());
}

TEST(QueryParams, Booleans) {
  EXPECT_TRUE(*BoolParam(Query("r"), "r", false));
  EXPECT_TRUE(*BoolParam(Query("r=true"), "r", false));
  EXPECT_TRUE(*BoolParam(Query("r=1"), "r", false));
  EXPECT_FALSE(*BoolParam(Query("r=false"), "r", true));
  EXPECT_FALSE(*BoolParam(Query("r=0"), "r", true));
  EXPECT_TRUE(*BoolParam(Query(""), "r", true));
  for (const char* bad : {"r=yes", "r=TRUE", "r=2", "r=%20"}) EXPECT_FALSE(BoolParam(Query(bad), "r", false).ok()) << bad;
}

TEST(QueryParams, Versions) {
  EXPECT_EQ(**VersionParam(Query("version=7")), 7);
  EXPECT_EQ(**VersionParam(Query("version=-2147483648")), INT32_MIN);
  EXPECT_FALSE(VersionParam(Query("")).value().has_value());
  for (const char* bad : {"version=", "version=2147483648", "version=a", "version=1.0", "version=-"}) {
    EXPECT_FALSE(VersionParam(Query(bad)).ok()) << bad;
  }
}

TEST(QueryParams, Consistency) {
  EXPECT_EQ(*ConsistencyParam(Query("")), Consistency::kLinearizable);
  EXPECT_EQ(*ConsistencyParam(Query("consistency=linearizable")), Consistency::kLinearizable);
  EXPECT_EQ(*ConsistencyParam(Query("consistency=serializable")), Consistency::kSerializable);
  EXPECT_FALSE(ConsistencyParam(Query("consistency=stale")).ok());
}

TEST(JsonBody, ParsesObjectsAndRefusesTheRest) {
  EXPECT_TRUE(ParseJsonObject("").value().empty());
  EXPECT_TRUE(ParseJsonObject(" \r\n").value().empty());
  EXPECT_EQ(ParseJsonObject("{\"a\":1}").value()["a"], 1);
  for (const std::string& bad : {std::string("[]"), std::string("1"), std::string("{"), std::string("{\"a\":1}x"),
                                std::string("{\"a\":\"\xff\"}"), std::string("{\"a\":1e99999}"),
                                std::string(33, '[') + std::string(33, ']'),
                                "{\"a\":" + std::string(40, '{') + std::string(40, '}') + "}"}) {
    ApiResult<json> r = ParseJsonObject(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidJson) << bad;
  }
  // Brackets inside strings do not count as nesting.
  EXPECT_TRUE(ParseJsonObject("{\"a\":\"" + std::string(100, '[') + "\"}").ok());
  ApiResult<json> utf8 = ParseJsonObject("{\"a\":\"\xc3\"}");
  ASSERT_FALSE(utf8.ok());
  EXPECT_NE(utf8.error().message.find("byte 6"), std::string::npos) << utf8.error().message;
}

TEST(JsonBody, TypedFields) {
  const json body = json::parse(R"({"s": "x", "i": 5, "neg": -3, "f": 1.5, "big": 18446744073709551615,
                                    "i32": 2147483648, "sid": "42", "nsid": 42, "null": null})");
  JsonFields f(body);
  EXPECT_EQ(**f.String("s"), "x");
  EXPECT_FALSE(f.String("i").ok());
  EXPECT_FALSE(f.String("missing").value().has_value());
  EXPECT_FALSE(f.String("null").value().has_value());
  EXPECT_EQ(**f.Int64("i"), 5);
  EXPECT_EQ(**f.Int64("neg"), -3);
  EXPECT_FALSE(f.Int64("f").ok());
  EXPECT_FALSE(f.Int64("big").ok());
  EXPECT_FALSE(f.Int32("i32").ok());
  EXPECT_EQ(**f.SessionId("sid"), 42u);
  EXPECT_EQ(**f.SessionId("nsid"), 42u);
  EXPECT_FALSE(f.SessionId("neg").ok());
  EXPECT_FALSE(f.SessionId("s").ok());
  EXPECT_TRUE(f.CheckKnown({"s", "i", "neg", "f", "big", "i32", "sid", "nsid", "null"}) == std::nullopt);
  std::optional<ApiError> unknown = JsonFields(body, "ops[3]").CheckKnown({"s"});
  ASSERT_TRUE(unknown.has_value());
  EXPECT_NE(unknown->message.find("ops[3]."), std::string::npos) << unknown->message;
}

TEST(NodeFields, CreateModesDataAndLimits) {
  store::Options limits;
  limits.max_data_bytes = 8;
  auto create = [&](const std::string& text, const std::string& path = "/a") {
    const json body = json::parse(text);
    return CreateFields(JsonFields(body), path, limits);
  };
  ApiResult<store::CreateRequest> plain = create("{}");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->mode, store::CreateMode::kPersistent);
  EXPECT_EQ(plain->data, "");
  EXPECT_EQ(create(R"({"mode": "ephemeral_sequential"})", "/q/")->mode, store::CreateMode::kEphemeralSequential);
  EXPECT_EQ(create(R"({"mode": "ttl", "ttl_ms": 5})")->ttl_ms, 5);
  EXPECT_EQ(create(R"({"data_b64": "/w=="})")->data, "\xff");
  EXPECT_EQ(create(R"({"data": "12345678"})")->data, "12345678");
  struct Bad {
    const char* body;
    const char* path;
    ErrorCode code;
  };
  for (const Bad& b : {Bad{R"({"data": "123456789"})", "/a", ErrorCode::kDataTooLarge},
                       Bad{R"({"data_b64": "MTIzNDU2Nzg5"})", "/a", ErrorCode::kDataTooLarge},
                       Bad{R"({"mode": "weird"})", "/a", ErrorCode::kInvalidParameter},
                       Bad{R"({"mode": "ttl"})", "/a", ErrorCode::kInvalidParameter},
                       Bad{R"({"ttl_ms": 3})", "/a", ErrorCode::kInvalidParameter},
                       Bad{R"({"mode": "ttl", "ttl_ms": 0})", "/a", ErrorCode::kInvalidParameter},
                       Bad{R"({})", "/a/", ErrorCode::kInvalidPath},
                       Bad{R"({})", "a", ErrorCode::kInvalidPath},
                       Bad{R"({"mode": "sequential"})", "/q//", ErrorCode::kInvalidPath}}) {
    ApiResult<store::CreateRequest> r = create(b.body, b.path);
    ASSERT_FALSE(r.ok()) << b.body << " " << b.path;
    EXPECT_EQ(r.error().code, b.code) << b.body << " " << b.path << ": " << r.error().message;
  }
  for (const char* name : {"persistent", "ephemeral", "sequential", "ephemeral_sequential", "container",
                           "ttl", "ttl_sequential"}) {
    std::optional<store::CreateMode> m = ParseMode(name);
    ASSERT_TRUE(m.has_value()) << name;
    EXPECT_STREQ(ModeName(*m), name);
  }
}

TEST(NodeJson, DataIsTextWhenItCanBe) {
  json out;
  PutData(out, "text", false);
  EXPECT_EQ(out, json({{"data", "text"}}));
  out = json::object();
  PutData(out, "\xff", false);
  EXPECT_EQ(out, json({{"data_b64", "/w=="}}));
  out = json::object();
  PutData(out, "text", true);
  EXPECT_EQ(out, json({{"data_b64", "dGV4dA=="}}));
  store::Stat s;
  s.ephemeral_owner = 18446744073709551615ull;
  EXPECT_EQ(StatToJson(s)["ephemeral_owner"], "18446744073709551615");
}

http::Headers H(std::initializer_list<std::pair<const char*, const char*>> fields) {
  http::Headers h;
  for (const auto& [k, v] : fields) h.Add(k, v);
  return h;
}

TEST(WriteScope, SessionAndIdempotencyKey) {
  EXPECT_EQ(ParseWriteScope(H({}), std::nullopt)->session_id, 0u);
  ApiResult<WriteScope> both = ParseWriteScope(H({{"coord-session", "7"}, {"Idempotency-Key", "3"}}), std::nullopt);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->session_id, 7u);
  EXPECT_EQ(both->request_id, 3u);
  EXPECT_EQ(ParseWriteScope(H({{"Idempotency-Key", "3"}}), 9)->session_id, 9u);
  EXPECT_TRUE(ParseWriteScope(H({{"Coord-Session", "9"}}), 9).ok());
  for (const auto& bad : {H({{"Idempotency-Key", "3"}}), H({{"Coord-Session", "x"}}),
                          H({{"Coord-Session", "0"}}), H({{"Coord-Session", "7"}, {"Idempotency-Key", "0"}}),
                          H({{"Coord-Session", "7"}, {"Idempotency-Key", "-1"}}),
                          H({{"Coord-Session", "7"}, {"Idempotency-Key", "1"}, {"Idempotency-Key", "1"}}),
                          H({{"Coord-Session", "7"}, {"Coord-Session", "7"}})}) {
    ApiResult<WriteScope> r = ParseWriteScope(bad, std::nullopt);
    EXPECT_FALSE(r.ok());
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidParameter);
    }
  }
  EXPECT_FALSE(ParseWriteScope(H({{"Coord-Session", "7"}}), 8).ok()) << "header and body disagree";
  store::CommandHeader h = CommandHeaderFor(*both, 1234);
  EXPECT_EQ(h.time_ms, 1234);
  EXPECT_EQ(h.session_id, 7u);
  EXPECT_EQ(h.request_id, 3u);
}

}  // namespace
}  // namespace coord::api::service
