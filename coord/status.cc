#include "coord/status.h"

namespace coord::store {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kNoNode: return "NoNode";
    case Code::kNodeExists: return "NodeExists";
    case Code::kBadVersion: return "BadVersion";
    case Code::kNotEmpty: return "NotEmpty";
    case Code::kNoChildrenForEphemerals: return "NoChildrenForEphemerals";
    case Code::kInvalidPath: return "InvalidPath";
    case Code::kDataTooLarge: return "DataTooLarge";
    case Code::kSessionExpired: return "SessionExpired";
    case Code::kInvalidArgument: return "InvalidArgument";
    case Code::kRolledBack: return "RolledBack";
    case Code::kNotAttempted: return "NotAttempted";
    case Code::kInvalidCommand: return "InvalidCommand";
    case Code::kStaleRequest: return "StaleRequest";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s = std::string(CodeName(code_)) + ": " + message_;
  if (failed_op_ >= 0) s += " (op " + std::to_string(failed_op_) + ")";
  return s;
}

}  // namespace coord::store
