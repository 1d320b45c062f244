// The JSON shapes of nodes: stats, data (text or base64), create modes, and the fields of a
// node write shared by POST /v1/nodes and the ops of POST /v1/txn. docs/api.md shows them.
//
// Session ids and ephemeral owners are written as decimal strings (they may exceed 2^53,
// which JavaScript numbers cannot hold exactly); zxids, versions and times as numbers.
// Pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/service/api_error.h"
#include "api/service/json_body.h"
#include "coord/command.pb.h"
#include "coord/options.h"
#include "coord/requests.h"
#include "coord/stat.h"

namespace coord::api::service {

nlohmann::json StatToJson(const store::Stat& stat);
nlohmann::json StatToJson(const store::pb::Stat& stat);

// Sets out["data"] when `data` is UTF-8 text (and base64 is not forced), else out["data_b64"].
void PutData(nlohmann::json& out, std::string_view data, bool force_base64);

// "persistent", "ephemeral", "sequential", "ephemeral_sequential", "container", "ttl",
// "ttl_sequential".
const char* ModeName(store::CreateMode mode);
std::optional<store::CreateMode> ParseMode(std::string_view name);

// The node data of a write: `data` (a JSON string, stored as its UTF-8 bytes) or `data_b64`
// (base64 bytes), not both; neither gives empty data. Checks the size against the store's
// limit (413 DATA_TOO_LARGE) so an oversized write never reaches the log.
ApiResult<std::string> DataField(const JsonFields& fields, const store::Options& limits);

// A create described by `fields` (data / data_b64, mode, ttl_ms) at `path`.
ApiResult<store::CreateRequest> CreateFields(const JsonFields& fields, std::string path,
                                             const store::Options& limits);

// Checks a request path before anything is proposed (the store checks again at apply): a
// path, or for sequential modes a prefix.
std::optional<ApiError> CheckPath(std::string_view path, bool sequential,
                                  const store::Options& limits);

inline std::string IdString(uint64_t id) { return std::to_string(id); }

}  // namespace coord::api::service
