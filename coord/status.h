// Status and Result: how errors cross the boundary of the store module.
//
// Every failure a client can cause is a value with a domain Code, never an exception or a
// crash: Apply must be total, so a bad path or a stale version is an answer, not a fault.
// raft::Status is kept for the I/O-shaped failures of the raft::StateMachine interface
// (snapshot streams); store::Status is for what the data model itself rejects.
//
// A multi that fails reports which op failed in failed_op() (-1 when the request as a whole
// was rejected before any op ran). Both types are cheap to move and safe to copy; neither is
// thread-safe to mutate.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "raft/result.h"

namespace coord::store {

// Numeric values are a wire contract (they appear in encoded responses): add, never renumber.
enum class Code : uint8_t {
  kOk = 0,
  kNoNode = 1,                   // the node (for create: its parent) does not exist
  kNodeExists = 2,               // create: a node already has this path
  kBadVersion = 3,               // the expected version (or mzxid, for reaping) did not match
  kNotEmpty = 4,                 // delete: the node has children
  kNoChildrenForEphemerals = 5,  // create: the parent is ephemeral
  kInvalidPath = 6,              // the path breaks a rule of path.h
  kDataTooLarge = 7,             // data is over Options::max_data_bytes
  kSessionExpired = 8,           // the session is unknown, closed or expired
  kInvalidArgument = 9,          // a malformed request: bad mode, TTL, too many ops, root...
  kRolledBack = 10,              // multi: this op was fine, but another op failed
  kNotAttempted = 11,            // multi: this op came after the one that failed
  kInvalidCommand = 12,          // the command bytes could not be decoded
  kStaleRequest = 13,            // dedup: request id older than the retained window
};

const char* CodeName(Code code);

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Multi only: the index of the op that failed, or -1.
  int failed_op() const { return failed_op_; }
  Status& set_failed_op(int index) {
    failed_op_ = index;
    return *this;
  }

  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  int failed_op_ = -1;
};

inline Status Error(Code code, std::string message) { return Status(code, std::move(message)); }

template <typename T>
using Result = ResultOf<T, Status>;

}  // namespace coord::store
