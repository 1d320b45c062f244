// Percent-decoding (RFC 3986 section 2.1) and query-string parsing.
//
// Decoding is strict: a '%' not followed by two hex digits is an error, never passed through,
// so that two spellings of one key cannot both reach a handler. In query strings '+' means a
// space (HTML form encoding); in paths it is a literal '+'.
//
// Thread-safety: pure functions; QueryParams is a value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "raft/status.h"

namespace coord::api::http {

using raft::Result;
using raft::Status;

// Decodes %XX escapes. Returns InvalidArgument naming the offending offset on a bad escape.
Result<std::string> PercentDecode(std::string_view in, bool plus_is_space);

// Decoded query parameters in the order they appear; repeated keys are all kept.
class QueryParams {
 public:
  using Entry = std::pair<std::string, std::string>;

  void Add(std::string key, std::string value) { entries_.emplace_back(std::move(key), std::move(value)); }

  // The first value of `key`; "" for a key given without '=' (`?recursive`).
  std::optional<std::string_view> Get(std::string_view key) const;
  std::vector<std::string_view> GetAll(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key).has_value(); }

  const std::vector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<Entry> entries_;
};

// Parses "a=1&b=x%20y&flag" (without the leading '?'). Empty pieces ("a=1&&b=2") are skipped.
// Returns InvalidArgument on a bad escape in any key or value.
Result<QueryParams> ParseQuery(std::string_view raw);

}  // namespace coord::api::http
