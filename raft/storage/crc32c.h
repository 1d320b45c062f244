// CRC32C (Castagnoli): the checksum we put on every stored value and snapshot file.
//
// leveldb checks its own blocks, but a value can still be wrong with valid leveldb checksums
// (a bug of ours, a bad copy, an operator's edit); our own checksum catches that on read.
// Uses the SSE4.2 instruction when the CPU has it, a table otherwise; both give the same
// values (RFC 3720 test vectors in tests/storage/crc32c_test.cc).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace coord::raft::crc32c {

// The CRC32C of data[0, n) continued from `crc` (the CRC of what came before it), so that
// Extend(Value(a), b) == Value(a + b).
uint32_t Extend(uint32_t crc, const char* data, size_t n);

// The table implementation, exposed so tests can check that both paths agree.
uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n);

inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view s) { return Extend(0, s.data(), s.size()); }
inline uint32_t Extend(uint32_t crc, std::string_view s) { return Extend(crc, s.data(), s.size()); }

}  // namespace coord::raft::crc32c
