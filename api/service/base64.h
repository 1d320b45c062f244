// Base64 (RFC 4648, standard alphabet, with padding), for binary node data in JSON
// (`data_b64`). Decoding is strict: wrong length, characters outside the alphabet, misplaced
// padding or non-zero pad bits are refused, so one byte string has exactly one spelling.
// Pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace coord::api::service {

std::string Base64Encode(std::string_view bytes);

// nullopt if `text` is not canonical base64.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace coord::api::service
