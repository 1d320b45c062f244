// Translating leveldb::Status into our Status at the storage boundary.
//
// Thread-safety: pure function.
#pragma once

#include <string>

#include <leveldb/status.h>

#include "raft/status.h"

namespace coord::raft {

// `what` says what we were doing ("writing the log", "opening /data/raft"). leveldb's
// corruption stays a Corruption; every other failure is an IOError.
inline Status FromLeveldb(const leveldb::Status& s, const std::string& what) {
  if (s.ok()) return Status::Ok();
  if (s.IsCorruption()) return Status::Corruption(what + ": " + s.ToString());
  return Status::IOError(what + ": " + s.ToString());
}

}  // namespace coord::raft
