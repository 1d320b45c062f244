// Status and Result: how errors cross the boundary of the raft module.
//
// A Status is either ok or carries a Code and a human-readable message. Result<T> is a T or a
// non-ok Status. Both are cheap to move and safe to copy; neither is thread-safe to mutate.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

#include "raft/result.h"

namespace coord::raft {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kNotLeader,            // this node is not the leader; leader_hint() may name one
    kProposalDropped,      // the proposal was not accepted (transfer in progress, no leader)
    kCompacted,            // the requested index is behind the last snapshot
    kUnavailable,          // the requested entries are not in the log (yet)
    kSnapshotUnavailable,  // storage cannot produce a snapshot right now; retry later
    kInvalidArgument,
    kCorruption,           // stored data fails a consistency check
    kIOError,
    kBusy,                 // a conflicting operation is in progress (e.g. a conf change)
    kTimeout,              // no answer in time: the outcome of a write is unknown
    kShutdown,             // the node is stopping; the outcome of a write is unknown
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotLeader(uint64_t leader_hint) {
    Status s(Code::kNotLeader, "not the leader");
    s.leader_hint_ = leader_hint;
    return s;
  }
  static Status ProposalDropped(std::string msg) { return {Code::kProposalDropped, std::move(msg)}; }
  static Status Compacted() { return {Code::kCompacted, "index is compacted"}; }
  static Status Unavailable() { return {Code::kUnavailable, "entries unavailable"}; }
  static Status SnapshotUnavailable() { return {Code::kSnapshotUnavailable, "snapshot unavailable"}; }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }
  static Status Busy(std::string msg) { return {Code::kBusy, std::move(msg)}; }
  static Status Timeout(std::string msg) { return {Code::kTimeout, std::move(msg)}; }
  static Status Shutdown(std::string msg) { return {Code::kShutdown, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // Only meaningful for kNotLeader: the leader this node believes in, 0 if none.
  uint64_t leader_hint() const { return leader_hint_; }
  std::string ToString() const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
  uint64_t leader_hint_ = 0;
};

const char* CodeName(Status::Code code);

inline std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

inline const char* CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kNotLeader: return "NotLeader";
    case Status::Code::kProposalDropped: return "ProposalDropped";
    case Status::Code::kCompacted: return "Compacted";
    case Status::Code::kUnavailable: return "Unavailable";
    case Status::Code::kSnapshotUnavailable: return "SnapshotUnavailable";
    case Status::Code::kInvalidArgument: return "InvalidArgument";
    case Status::Code::kCorruption: return "Corruption";
    case Status::Code::kIOError: return "IOError";
    case Status::Code::kBusy: return "Busy";
    case Status::Code::kTimeout: return "Timeout";
    case Status::Code::kShutdown: return "Shutdown";
  }
  return "Unknown";
}

template <typename T>
using Result = ResultOf<T, Status>;

}  // namespace coord::raft
