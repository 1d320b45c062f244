// The key layout (keys.h) and the value framing (record_codec.h).
#include <string>

#include <gtest/gtest.h>

#include "raft/raft.pb.h"
#include "raft/storage/keys.h"
#include "raft/storage/record_codec.h"

namespace coord::raft {
namespace {

TEST(Keys, EntryKeysSortInIndexOrderAfterEverySingleton) {
  const uint64_t indexes[] = {0, 1, 2, 255, 256, 65535, 65536, 1ull << 32, UINT64_MAX - 1, UINT64_MAX};
  for (size_t k = 1; k < std::size(indexes); ++k) {
    EXPECT_LT(keys::Entry(indexes[k - 1]), keys::Entry(indexes[k])) << indexes[k];
  }
  for (keys::Kind kind : {keys::Kind::kMeta, keys::Kind::kHardState, keys::Kind::kMembership,
                          keys::Kind::kSnapshotMeta, keys::Kind::kSnapshotFile,
                          keys::Kind::kLogBounds}) {
    EXPECT_LT(keys::Singleton(kind), keys::Entry(0));
  }
}

TEST(Keys, EntryIndexRoundTrips) {
  for (uint64_t i : {uint64_t{0}, uint64_t{1}, uint64_t{0x0102030405060708}, UINT64_MAX}) {
    EXPECT_EQ(keys::EntryIndex(keys::Entry(i)), i);
    EXPECT_EQ(keys::KindOf(keys::Entry(i)), keys::Kind::kEntry);
  }
}

TEST(Keys, UnknownOrMalformedKeysAreRecognized) {
  EXPECT_EQ(keys::KindOf(""), std::nullopt);
  EXPECT_EQ(keys::KindOf(std::string(1, '\x07')), std::nullopt);
  EXPECT_EQ(keys::KindOf(std::string("\x02x", 2)), std::nullopt);  // singleton with a tail
  EXPECT_EQ(keys::EntryIndex(keys::Entry(5).substr(0, 8)), std::nullopt);
  EXPECT_EQ(keys::Describe(std::string("\x07\xab", 2)), "unknown key 0x07ab");
  EXPECT_EQ(keys::Describe(keys::Entry(42)), "log entry 42");
  EXPECT_EQ(keys::Describe(keys::Singleton(keys::Kind::kHardState)), "hard state");
}

pb::Entry SomeEntry() {
  pb::Entry e;
  e.set_index(42);
  e.set_term(7);
  e.set_data("payload");
  return e;
}

TEST(RecordCodec, RoundTrips) {
  const std::string key = keys::Entry(42);
  const std::string value = EncodeRecord(key, SomeEntry());
  pb::Entry decoded;
  ASSERT_TRUE(DecodeRecord(key, value, &decoded).ok());
  EXPECT_EQ(decoded.SerializeAsString(), SomeEntry().SerializeAsString());
}

TEST(RecordCodec, EveryFlippedByteIsACorruptionNamingTheRecord) {
  const std::string key = keys::Entry(42);
  const std::string value = EncodeRecord(key, SomeEntry());
  for (size_t i = 0; i < value.size(); ++i) {
    std::string bad = value;
    bad[i] ^= 0x40;
    pb::Entry decoded;
    const Status s = DecodeRecord(key, bad, &decoded);
    EXPECT_EQ(s.code(), Status::Code::kCorruption) << "byte " << i;
    EXPECT_EQ(s.message(), "checksum mismatch in log entry 42") << "byte " << i;
  }
}

TEST(RecordCodec, ValueUnderAnotherKeyFailsItsChecksum) {
  const std::string value = EncodeRecord(keys::Entry(42), SomeEntry());
  pb::Entry decoded;
  const Status s = DecodeRecord(keys::Entry(43), value, &decoded);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_EQ(s.message(), "checksum mismatch in log entry 43");
}

TEST(RecordCodec, ShortValueIsTruncated) {
  pb::HardState hs;
  const Status s = DecodeRecord(keys::Singleton(keys::Kind::kHardState), "abc", &hs);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_EQ(s.message(), "hard state is truncated (3 bytes)");
}

}  // namespace
}  // namespace coord::raft
