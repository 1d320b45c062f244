// The key layout of the leveldb database behind LeveldbStorage.
//
// Every key starts with one byte naming its kind. Log entries follow with their index as
// 8 bytes big-endian, so leveldb's byte order is index order: recovery reads the log in one
// forward scan, and appending, overwriting a suffix or compacting a prefix touch one
// contiguous key range. Singletons are the kind byte alone.
//
//   0x01                 meta             storagepb::MetaRecord
//   0x02                 hard state       pb::HardState
//   0x03                 membership       pb::ConfState (as of the latest snapshot)
//   0x04                 snapshot meta    pb::SnapshotMetadata
//   0x05                 snapshot file    storagepb::SnapshotFileRecord
//   0x06                 log bounds       storagepb::LogBoundsRecord
//   0x10 + be64(index)   log entry        pb::Entry
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coord::raft::keys {

// The version of this layout and of the record formats, kept in the meta record. A build
// refuses to open a directory of any other version rather than guess at its meaning.
inline constexpr uint32_t kFormatVersion = 1;

enum class Kind : uint8_t {
  kMeta = 0x01,
  kHardState = 0x02,
  kMembership = 0x03,
  kSnapshotMeta = 0x04,
  kSnapshotFile = 0x05,
  kLogBounds = 0x06,
  kEntry = 0x10,
};

// The key of a singleton record. REQUIRES: kind != Kind::kEntry.
std::string Singleton(Kind kind);
std::string Entry(uint64_t index);

// The kind of `key`, or nullopt for a key this format does not know (a corruption).
std::optional<Kind> KindOf(std::string_view key);
// The index in an entry key, or nullopt if `key` is not a well-formed entry key.
std::optional<uint64_t> EntryIndex(std::string_view key);

// A human-readable name for error messages: "hard state", "log entry 42", ...
std::string Describe(std::string_view key);

}  // namespace coord::raft::keys
