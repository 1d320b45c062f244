// UTF-8 validation, for deciding whether node data can travel as a JSON string and for
// refusing request bodies that are not text.
//
// Strict RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF,
// no truncated sequences. Pure and thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace coord::api::service {

// nullopt if `text` is valid UTF-8, else the byte offset of the first invalid sequence.
std::optional<size_t> FindInvalidUtf8(std::string_view text);

inline bool IsValidUtf8(std::string_view text) { return !FindInvalidUtf8(text).has_value(); }

}  // namespace coord::api::service
