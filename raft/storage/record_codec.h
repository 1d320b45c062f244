// How a record is framed in a leveldb value: our checksum, then a serialized protobuf.
//
//   value = fixed32_le(crc32c(key || payload)) || payload
//
// The checksum covers the key as well, so a value copied under the wrong key (say, entry 7's
// bytes stored as entry 8) fails it too. leveldb's block checksums only prove that leveldb
// returns what it was given; this proves that what it was given is what we wrote there.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <google/protobuf/message_lite.h>

#include "raft/status.h"

namespace coord::raft {

std::string EncodeRecord(std::string_view key, const google::protobuf::MessageLite& message);

// Parses `value`, stored under `key`, into `message`. Corruption, naming the record (e.g.
// "checksum mismatch in log entry 42"), if the value is short, fails its checksum or does not
// parse.
Status DecodeRecord(std::string_view key, std::string_view value,
                    google::protobuf::MessageLite* message);

}  // namespace coord::raft
