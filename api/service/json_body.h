// JSON request bodies: parsing with the checks a public endpoint needs, and typed access to
// an object's fields with precise 400 messages.
//
// ParseJsonObject refuses, as 400 INVALID_JSON: bytes that are not UTF-8 (with the offset:
// binary data goes in `data_b64`), nesting deeper than kMaxJsonDepth (checked before parsing,
// so no input can exhaust a stack), anything that is not one JSON object, and numbers out of
// range. An empty body is the empty object.
//
// JsonFields refuses, as 400 INVALID_PARAMETER: unknown fields (a misspelt field must not be
// silently ignored), fields of the wrong type, integers with a fraction or out of range.
// Pure and thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/service/api_error.h"

namespace coord::api::service {

inline constexpr int kMaxJsonDepth = 32;

ApiResult<nlohmann::json> ParseJsonObject(std::string_view body);

class JsonFields {
 public:
  // `where` prefixes error messages, e.g. "ops[2]"; empty for the body itself.
  JsonFields(const nlohmann::json& object, std::string where = "")
      : object_(object), where_(std::move(where)) {}

  // An error naming the first field not in `known`.
  std::optional<ApiError> CheckKnown(std::initializer_list<std::string_view> known) const;

  // nullptr if absent (null counts as absent).
  const nlohmann::json* Get(std::string_view name) const;

  ApiResult<std::optional<std::string>> String(std::string_view name) const;
  ApiResult<std::optional<int64_t>> Int64(std::string_view name) const;
  ApiResult<std::optional<int32_t>> Int32(std::string_view name) const;
  // A session id: a positive integer, as a JSON number or a decimal string (ids may exceed
  // 2^53, which JavaScript numbers cannot hold exactly, so the API writes them as strings).
  ApiResult<std::optional<uint64_t>> SessionId(std::string_view name) const;

  // "field 'x'" or "ops[2].x", for messages.
  std::string Name(std::string_view field) const;

 private:
  const nlohmann::json& object_;
  std::string where_;
};

}  // namespace coord::api::service
