#include "raft/storage/keys.h"

#include <cassert>

namespace coord::raft::keys {

std::string Singleton(Kind kind) {
  assert(kind != Kind::kEntry);
  return std::string(1, static_cast<char>(kind));
}

std::string Entry(uint64_t index) {
  std::string key(9, '\0');
  key[0] = static_cast<char>(Kind::kEntry);
  for (int i = 0; i < 8; ++i) key[1 + i] = static_cast<char>(index >> (56 - 8 * i));
  return key;
}

std::optional<Kind> KindOf(std::string_view key) {
  if (key.empty()) return std::nullopt;
  const auto kind = static_cast<Kind>(static_cast<uint8_t>(key[0]));
  switch (kind) {
    case Kind::kMeta:
    case Kind::kHardState:
    case Kind::kMembership:
    case Kind::kSnapshotMeta:
    case Kind::kSnapshotFile:
    case Kind::kLogBounds:
      if (key.size() != 1) return std::nullopt;
      return kind;
    case Kind::kEntry:
      if (key.size() != 9) return std::nullopt;
      return kind;
  }
  return std::nullopt;
}

std::optional<uint64_t> EntryIndex(std::string_view key) {
  if (KindOf(key) != Kind::kEntry) return std::nullopt;
  uint64_t index = 0;
  for (int i = 0; i < 8; ++i) index = (index << 8) | static_cast<uint8_t>(key[1 + i]);
  return index;
}

std::string Describe(std::string_view key) {
  const std::optional<Kind> kind = KindOf(key);
  if (!kind) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (char c : key) {
      hex += kHex[static_cast<uint8_t>(c) >> 4];
      hex += kHex[static_cast<uint8_t>(c) & 0xf];
    }
    return "unknown key 0x" + hex;
  }
  switch (*kind) {
    case Kind::kMeta: return "meta record";
    case Kind::kHardState: return "hard state";
    case Kind::kMembership: return "membership";
    case Kind::kSnapshotMeta: return "snapshot metadata";
    case Kind::kSnapshotFile: return "snapshot file record";
    case Kind::kLogBounds: return "log bounds";
    case Kind::kEntry: return "log entry " + std::to_string(*EntryIndex(key));
  }
  return "unknown key";
}

}  // namespace coord::raft::keys
