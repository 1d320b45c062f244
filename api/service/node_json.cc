#include "api/service/node_json.h"

#include "api/service/base64.h"
#include "api/service/utf8.h"
#include "coord/codec.h"
#include "coord/path.h"

namespace coord::api::service {
namespace {

struct ModeRow {
  store::CreateMode mode;
  const char* name;
};
constexpr ModeRow kModes[] = {
    {store::CreateMode::kPersistent, "persistent"},
    {store::CreateMode::kEphemeral, "ephemeral"},
    {store::CreateMode::kPersistentSequential, "sequential"},
    {store::CreateMode::kEphemeralSequential, "ephemeral_sequential"},
    {store::CreateMode::kContainer, "container"},
    {store::CreateMode::kPersistentWithTtl, "ttl"},
    {store::CreateMode::kPersistentSequentialWithTtl, "ttl_sequential"},
};

}  // namespace

nlohmann::json StatToJson(const store::Stat& s) {
  // Filled field by field: nlohmann's initializer-list form builds and inspects a temporary
  // array per pair, which made this function 13% of a write's CPU (callgrind, docs/benchmarks.md).
  nlohmann::json out(nlohmann::json::value_t::object);
  out["czxid"] = s.czxid;
  out["mzxid"] = s.mzxid;
  out["pzxid"] = s.pzxid;
  out["ctime"] = s.ctime;
  out["mtime"] = s.mtime;
  out["version"] = s.version;
  out["cversion"] = s.cversion;
  out["ephemeral_owner"] = IdString(s.ephemeral_owner);
  out["data_length"] = s.data_length;
  out["num_children"] = s.num_children;
  return out;
}

nlohmann::json StatToJson(const store::pb::Stat& stat) { return StatToJson(store::FromProto(stat)); }

void PutData(nlohmann::json& out, std::string_view data, bool force_base64) {
  if (!force_base64 && IsValidUtf8(data)) {
    out["data"] = std::string(data);
  } else {
    out["data_b64"] = Base64Encode(data);
  }
}

const char* ModeName(store::CreateMode mode) {
  for (const ModeRow& row : kModes) {
    if (row.mode == mode) return row.name;
  }
  return "unknown";
}

std::optional<store::CreateMode> ParseMode(std::string_view name) {
  for (const ModeRow& row : kModes) {
    if (name == row.name) return row.mode;
  }
  return std::nullopt;
}

ApiResult<std::string> DataField(const JsonFields& fields, const store::Options& limits) {
  ApiResult<std::optional<std::string>> text = fields.String("data");
  if (!text.ok()) return text.error();
  ApiResult<std::optional<std::string>> b64 = fields.String("data_b64");
  if (!b64.ok()) return b64.error();
  if (*text && *b64) {
    return ApiError(ErrorCode::kInvalidParameter,
                    "give " + fields.Name("data") + " or " + fields.Name("data_b64") + ", not both");
  }
  std::string data;
  if (*text) {
    data = std::move(**text);
  } else if (*b64) {
    std::optional<std::string> decoded = Base64Decode(**b64);
    if (!decoded) {
      return ApiError(ErrorCode::kInvalidParameter,
                      fields.Name("data_b64") + " is not canonical base64 (RFC 4648, padded)");
    }
    data = std::move(*decoded);
  }
  if (data.size() > limits.max_data_bytes) {
    return ApiError(ErrorCode::kDataTooLarge, "data is " + std::to_string(data.size()) +
                                                  " bytes, over the limit of " +
                                                  std::to_string(limits.max_data_bytes));
  }
  return data;
}

ApiResult<store::CreateRequest> CreateFields(const JsonFields& fields, std::string path,
                                             const store::Options& limits) {
  store::CreateRequest request;
  request.path = std::move(path);
  ApiResult<std::optional<std::string>> mode = fields.String("mode");
  if (!mode.ok()) return mode.error();
  if (*mode) {
    std::optional<store::CreateMode> m = ParseMode(**mode);
    if (!m) {
      return ApiError(ErrorCode::kInvalidParameter,
                      fields.Name("mode") + " must be one of persistent, ephemeral, sequential, "
                                            "ephemeral_sequential, container, ttl, ttl_sequential");
    }
    request.mode = *m;
  }
  ApiResult<std::optional<int64_t>> ttl = fields.Int64("ttl_ms");
  if (!ttl.ok()) return ttl.error();
  if (store::HasTtl(request.mode) && !*ttl) {
    return ApiError(ErrorCode::kInvalidParameter, "mode " + std::string(ModeName(request.mode)) +
                                                      " needs " + fields.Name("ttl_ms"));
  }
  if (*ttl) {
    if (!store::HasTtl(request.mode)) {
      return ApiError(ErrorCode::kInvalidParameter,
                      fields.Name("ttl_ms") + " is only for modes ttl and ttl_sequential");
    }
    if (**ttl <= 0 || **ttl > limits.max_node_ttl_ms) {
      return ApiError(ErrorCode::kInvalidParameter,
                      fields.Name("ttl_ms") + " must be in 1.." + std::to_string(limits.max_node_ttl_ms));
    }
    request.ttl_ms = **ttl;
  }
  ApiResult<std::string> data = DataField(fields, limits);
  if (!data.ok()) return data.error();
  request.data = std::move(*data);
  if (auto bad = CheckPath(request.path, store::IsSequential(request.mode), limits)) return *bad;
  return request;
}

std::optional<ApiError> CheckPath(std::string_view path, bool sequential,
                                  const store::Options& limits) {
  store::Status s = sequential ? store::ValidateSequentialPrefix(path, limits)
                               : store::ValidatePath(path, limits);
  if (s.ok()) return std::nullopt;
  return ApiError::FromStore(s);
}

}  // namespace coord::api::service
