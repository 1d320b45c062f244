#include "api/http/query.h"

namespace coord::api::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      const int hi = i + 1 < in.size() ? HexValue(in[i + 1]) : -1;
      const int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Status::InvalidArgument("invalid percent-escape at offset " + std::to_string(i));
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string_view> QueryParams::Get(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.first == key) return std::string_view(e.second);
  }
  return std::nullopt;
}

std::vector<std::string_view> QueryParams::GetAll(std::string_view key) const {
  std::vector<std::string_view> values;
  for (const Entry& e : entries_) {
    if (e.first == key) values.emplace_back(e.second);
  }
  return values;
}

Result<QueryParams> ParseQuery(std::string_view raw) {
  QueryParams params;
  while (!raw.empty()) {
    const size_t amp = raw.find('&');
    const std::string_view piece = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    Result<std::string> key = PercentDecode(piece.substr(0, eq), /*plus_is_space=*/true);
    if (!key.ok()) return Status::InvalidArgument("query key: " + key.status().message());
    std::string value;
    if (eq != std::string_view::npos) {
      Result<std::string> v = PercentDecode(piece.substr(eq + 1), /*plus_is_space=*/true);
      if (!v.ok()) {
        return Status::InvalidArgument("query parameter '" + *key + "': " + v.status().message());
      }
      value = std::move(v).value();
    }
    params.Add(std::move(key).value(), std::move(value));
  }
  return params;
}

}  // namespace coord::api::http
