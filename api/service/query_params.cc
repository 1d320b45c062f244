#include "api/service/query_params.h"

#include <limits>
#include <string>

namespace coord::api::service {
namespace {

ApiError BadParam(std::string message) {
  return ApiError(ErrorCode::kInvalidParameter, std::move(message));
}

std::string Quote(std::string_view v) {
  // Parameters are decoded bytes; keep the message short and printable.
  std::string out = "'";
  for (char c : v.substr(0, 64)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  if (v.size() > 64) out += "...";
  return out + "'";
}

}  // namespace

std::optional<uint64_t> ParseUint64(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::optional<int64_t> ParseInt64(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  std::optional<uint64_t> magnitude = ParseUint64(text);
  if (!magnitude) return std::nullopt;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (*magnitude > limit) return std::nullopt;
  if (negative) return static_cast<int64_t>(0 - *magnitude);
  return static_cast<int64_t>(*magnitude);
}

std::optional<ApiError> CheckParams(const http::QueryParams& query,
                                    std::initializer_list<std::string_view> known) {
  for (size_t i = 0; i < query.entries().size(); ++i) {
    const std::string& key = query.entries()[i].first;
    bool ok = false;
    for (std::string_view k : known) ok = ok || key == k;
    if (!ok) {
      std::string list;
      for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return BadParam("unknown query parameter " + Quote(key) +
                      (list.empty() ? " (this route takes none)" : " (known: " + list + ")"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (query.entries()[j].first == key) return BadParam("query parameter " + Quote(key) + " given twice");
    }
  }
  return std::nullopt;
}

ApiResult<bool> BoolParam(const http::QueryParams& query, std::string_view name, bool fallback) {
  std::optional<std::string_view> v = query.Get(name);
  if (!v) return fallback;
  if (v->empty() || *v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  return BadParam("query parameter '" + std::string(name) + "' must be true or false, got " +
                  Quote(*v));
}

ApiResult<std::optional<int32_t>> VersionParam(const http::QueryParams& query) {
  std::optional<std::string_view> v = query.Get("version");
  if (!v) return std::optional<int32_t>();
  std::optional<int64_t> n = ParseInt64(*v);
  if (!n || *n < std::numeric_limits<int32_t>::min() || *n > std::numeric_limits<int32_t>::max()) {
    return BadParam("query parameter 'version' must be a 32-bit integer, got " + Quote(*v));
  }
  return std::optional<int32_t>(static_cast<int32_t>(*n));
}

ApiResult<Consistency> ConsistencyParam(const http::QueryParams& query) {
  std::optional<std::string_view> v = query.Get("consistency");
  if (!v || *v == "linearizable") return Consistency::kLinearizable;
  if (*v == "serializable") return Consistency::kSerializable;
  return BadParam("query parameter 'consistency' must be linearizable or serializable, got " +
                  Quote(*v));
}

ApiResult<uint64_t> ParseSessionId(std::string_view text, std::string_view what) {
  std::optional<uint64_t> id = ParseUint64(text);
  if (!id || *id == 0) {
    return BadParam(std::string(what) + " must be a positive decimal number, got " + Quote(text));
  }
  return *id;
}

}  // namespace coord::api::service
