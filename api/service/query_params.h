// Strict parsing of query parameters, path ids and numeric headers.
//
// Strict on purpose: a misspelt parameter (`?verison=3`) or a value that does not parse
// (`?version=three`, `?version=99999999999`) is a 400 INVALID_PARAMETER, never silently
// ignored, because ignoring it would turn a conditional write into an unconditional one.
// Pure and thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

#include "api/http/query.h"
#include "api/service/api_error.h"

namespace coord::api::service {

// Decimal digits only (no sign, no spaces), at most the type's range.
std::optional<uint64_t> ParseUint64(std::string_view text);
// An optional leading '-', then as ParseUint64, within int64.
std::optional<int64_t> ParseInt64(std::string_view text);

// An error naming the first parameter not in `known`, or a parameter given twice.
std::optional<ApiError> CheckParams(const http::QueryParams& query,
                                    std::initializer_list<std::string_view> known);

// `?name`, `?name=true|1` -> true; `?name=false|0` -> false; absent -> `fallback`.
ApiResult<bool> BoolParam(const http::QueryParams& query, std::string_view name, bool fallback);

// `?version=N`, N a 32-bit signed integer (versions wrap like ZooKeeper's); absent -> nullopt.
ApiResult<std::optional<int32_t>> VersionParam(const http::QueryParams& query);

enum class Consistency { kLinearizable, kSerializable };
// `?consistency=linearizable|serializable`; absent -> linearizable.
ApiResult<Consistency> ConsistencyParam(const http::QueryParams& query);

// A session id as it appears in paths, headers and JSON strings: a positive decimal number.
// `what` names the source in the error ("session id", "Coord-Session header").
ApiResult<uint64_t> ParseSessionId(std::string_view text, std::string_view what);

}  // namespace coord::api::service
