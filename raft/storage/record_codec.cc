#include "raft/storage/record_codec.h"

#include <cstdint>

#include "raft/storage/crc32c.h"
#include "raft/storage/keys.h"

namespace coord::raft {
namespace {

constexpr size_t kChecksumSize = 4;

uint32_t RecordChecksum(std::string_view key, std::string_view payload) {
  return crc32c::Extend(crc32c::Value(key), payload);
}

}  // namespace

std::string EncodeRecord(std::string_view key, const google::protobuf::MessageLite& message) {
  std::string value(kChecksumSize, '\0');
  message.AppendToString(&value);
  const uint32_t crc = RecordChecksum(key, std::string_view(value).substr(kChecksumSize));
  for (size_t i = 0; i < kChecksumSize; ++i) value[i] = static_cast<char>(crc >> (8 * i));
  return value;
}

Status DecodeRecord(std::string_view key, std::string_view value,
                    google::protobuf::MessageLite* message) {
  if (value.size() < kChecksumSize) {
    return Status::Corruption(keys::Describe(key) + " is truncated (" +
                              std::to_string(value.size()) + " bytes)");
  }
  uint32_t stored = 0;
  for (size_t i = 0; i < kChecksumSize; ++i) {
    stored |= static_cast<uint32_t>(static_cast<uint8_t>(value[i])) << (8 * i);
  }
  const std::string_view payload = value.substr(kChecksumSize);
  if (RecordChecksum(key, payload) != stored) {
    return Status::Corruption("checksum mismatch in " + keys::Describe(key));
  }
  if (!message->ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return Status::Corruption("cannot parse " + keys::Describe(key));
  }
  return Status::Ok();
}

}  // namespace coord::raft
