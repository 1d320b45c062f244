// Status and Result: how errors cross the boundary of the watch module.
//
// Every refusal a client can cause (a resume point the history no longer covers, too many
// watchers, a consumer that fell behind) is a value with a domain Code. The HTTP layer maps
// each Code to an HTTP status and a JSON error code in its one table; docs/watch.md proposes
// the mapping named next to each code below. Broken invariants (zxids going backwards) are
// not Statuses: they stop the process (raft/invariant.h).
//
// Both types are cheap to move and safe to copy; neither is thread-safe to mutate.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "raft/result.h"

namespace coord::watch {

enum class Code : uint8_t {
  kOk = 0,
  kInvalidArgument = 1,  // bad path or watch kind                       (400 INVALID_ARGUMENT)
  kCompacted = 2,        // `since` is older than the event history: re-read the state and
                         // watch from the current zxid                  (410 WATCH_COMPACTED)
  kTooManyWatchers = 3,  // WatchOptions::max_watchers live watchers      (429 TOO_MANY_WATCHERS)
  kWatcherTooSlow = 4,   // the watcher's queue overflowed and it was cut; resume with
                         // since = the position of its last Delivery    (WATCHER_TOO_SLOW)
  kSessionEnded = 5,     // the session the watch was tied to has ended  (SESSION_EXPIRED)
  kCancelled = 6,        // Watcher::Cancel() was called                 (no reply needed)
};

// "Compacted", "TooManyWatchers", ...
const char* CodeName(Code code);

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

  bool operator==(const Status&) const = default;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

template <typename T>
using Result = ResultOf<T, Status>;

}  // namespace coord::watch
