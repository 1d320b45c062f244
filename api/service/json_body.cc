#include "api/service/json_body.h"

#include <limits>

#include "api/service/query_params.h"
#include "api/service/utf8.h"

namespace coord::api::service {
namespace {

ApiError BadJson(std::string message) { return ApiError(ErrorCode::kInvalidJson, std::move(message)); }
ApiError BadField(std::string message) {
  return ApiError(ErrorCode::kInvalidParameter, std::move(message));
}

// The deepest nesting of arrays and objects, counting brackets outside strings. Malformed
// input may miscount; the parser refuses it anyway.
int MaxDepth(std::string_view text) {
  int depth = 0;
  int max = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max = std::max(max, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max;
}

}  // namespace

ApiResult<nlohmann::json> ParseJsonObject(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return nlohmann::json::object();
  if (std::optional<size_t> bad = FindInvalidUtf8(body)) {
    return BadJson("request body is not valid UTF-8 (byte " + std::to_string(*bad) +
                   "); send binary node data base64-encoded in 'data_b64'");
  }
  if (MaxDepth(body) > kMaxJsonDepth) {
    return BadJson("request body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body.begin(), body.end());
  } catch (const nlohmann::json::exception& e) {
    return BadJson(std::string("request body is not valid JSON: ") + e.what());
  }
  if (!j.is_object()) return BadJson("request body must be a JSON object");
  return j;
}

std::string JsonFields::Name(std::string_view field) const {
  if (where_.empty()) return "field '" + std::string(field) + "'";
  return where_ + "." + std::string(field);
}

std::optional<ApiError> JsonFields::CheckKnown(std::initializer_list<std::string_view> known) const {
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || it.key() == k;
    if (!ok) {
      std::string list;
      for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return BadField("unknown " + Name(it.key().substr(0, 64)) + " (known: " + list + ")");
    }
  }
  return std::nullopt;
}

const nlohmann::json* JsonFields::Get(std::string_view name) const {
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

ApiResult<std::optional<std::string>> JsonFields::String(std::string_view name) const {
  const nlohmann::json* v = Get(name);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return BadField(Name(name) + " must be a string");
  return std::optional<std::string>(v->get<std::string>());
}

ApiResult<std::optional<int64_t>> JsonFields::Int64(std::string_view name) const {
  const nlohmann::json* v = Get(name);
  if (!v) return std::optional<int64_t>();
  if (v->is_number_unsigned()) {
    const uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return BadField(Name(name) + " is out of range");
    }
    return std::optional<int64_t>(static_cast<int64_t>(u));
  }
  if (v->is_number_integer()) return std::optional<int64_t>(v->get<int64_t>());
  return BadField(Name(name) + " must be an integer");
}

ApiResult<std::optional<int32_t>> JsonFields::Int32(std::string_view name) const {
  ApiResult<std::optional<int64_t>> v = Int64(name);
  if (!v.ok()) return v.error();
  if (!*v) return std::optional<int32_t>();
  if (**v < std::numeric_limits<int32_t>::min() || **v > std::numeric_limits<int32_t>::max()) {
    return BadField(Name(name) + " must be a 32-bit integer");
  }
  return std::optional<int32_t>(static_cast<int32_t>(**v));
}

ApiResult<std::optional<uint64_t>> JsonFields::SessionId(std::string_view name) const {
  const nlohmann::json* v = Get(name);
  if (!v) return std::optional<uint64_t>();
  if (v->is_string()) {
    ApiResult<uint64_t> id = ParseSessionId(v->get_ref<const std::string&>(), Name(name));
    if (!id.ok()) return id.error();
    return std::optional<uint64_t>(*id);
  }
  if (v->is_number_unsigned() && v->get<uint64_t>() > 0) {
    return std::optional<uint64_t>(v->get<uint64_t>());
  }
  return BadField(Name(name) + " must be a session id (a positive integer, preferably as a string)");
}

}  // namespace coord::api::service
