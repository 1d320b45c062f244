#include "watch/status.h"

namespace coord::watch {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: return "InvalidArgument";
    case Code::kCompacted: return "Compacted";
    case Code::kTooManyWatchers: return "TooManyWatchers";
    case Code::kWatcherTooSlow: return "WatcherTooSlow";
    case Code::kSessionEnded: return "SessionEnded";
    case Code::kCancelled: return "Cancelled";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

}  // namespace coord::watch
