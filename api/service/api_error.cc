#include "api/service/api_error.h"

#include <nlohmann/json.hpp>

namespace coord::api::service {
namespace {

struct Row {
  ErrorCode code;
  ErrorInfo info;
};

// The one table. 4xx: the request cannot succeed as sent (400) or conflicts with the state
// (404/409/410); 413/429 limits; 503: try again (after NO_LEADER certainly not applied, after
// TIMEOUT / SHUTTING_DOWN perhaps applied: retry with the same Idempotency-Key).
constexpr Row kTable[] = {
    {ErrorCode::kNoNode, {404, "NO_NODE"}},
    {ErrorCode::kNodeExists, {409, "NODE_EXISTS"}},
    {ErrorCode::kBadVersion, {409, "BAD_VERSION"}},
    {ErrorCode::kNotEmpty, {409, "NOT_EMPTY"}},
    {ErrorCode::kNoChildrenForEphemerals, {409, "NO_CHILDREN_FOR_EPHEMERALS"}},
    {ErrorCode::kInvalidPath, {400, "INVALID_PATH"}},
    {ErrorCode::kDataTooLarge, {413, "DATA_TOO_LARGE"}},
    {ErrorCode::kSessionExpired, {410, "SESSION_EXPIRED"}},
    {ErrorCode::kInvalidArgument, {400, "INVALID_ARGUMENT"}},
    {ErrorCode::kRolledBack, {409, "ROLLED_BACK"}},
    {ErrorCode::kNotAttempted, {409, "NOT_ATTEMPTED"}},
    {ErrorCode::kInvalidCommand, {500, "INVALID_COMMAND"}},
    {ErrorCode::kStaleRequest, {409, "STALE_REQUEST"}},
    {ErrorCode::kInvalidJson, {400, "INVALID_JSON"}},
    {ErrorCode::kInvalidParameter, {400, "INVALID_PARAMETER"}},
    {ErrorCode::kNoLeader, {503, "NO_LEADER"}},
    {ErrorCode::kTimeout, {503, "TIMEOUT"}},
    {ErrorCode::kShuttingDown, {503, "SHUTTING_DOWN"}},
    {ErrorCode::kNotReady, {503, "NOT_READY"}},
    {ErrorCode::kRateLimited, {429, "RATE_LIMITED"}},
    {ErrorCode::kTooManyWatchers, {429, "TOO_MANY_WATCHERS"}},
    {ErrorCode::kWatchCompacted, {410, "WATCH_COMPACTED"}},
    {ErrorCode::kWatcherTooSlow, {409, "WATCHER_TOO_SLOW"}},
    {ErrorCode::kInternal, {500, "INTERNAL_ERROR"}},
};

}  // namespace

ErrorInfo Describe(ErrorCode code) {
  for (const Row& row : kTable) {
    if (row.code == code) return row.info;
  }
  return {500, "INTERNAL_ERROR"};
}

ErrorCode FromStoreCode(store::Code code) {
  switch (code) {
    case store::Code::kNoNode: return ErrorCode::kNoNode;
    case store::Code::kNodeExists: return ErrorCode::kNodeExists;
    case store::Code::kBadVersion: return ErrorCode::kBadVersion;
    case store::Code::kNotEmpty: return ErrorCode::kNotEmpty;
    case store::Code::kNoChildrenForEphemerals: return ErrorCode::kNoChildrenForEphemerals;
    case store::Code::kInvalidPath: return ErrorCode::kInvalidPath;
    case store::Code::kDataTooLarge: return ErrorCode::kDataTooLarge;
    case store::Code::kSessionExpired: return ErrorCode::kSessionExpired;
    case store::Code::kInvalidArgument: return ErrorCode::kInvalidArgument;
    case store::Code::kRolledBack: return ErrorCode::kRolledBack;
    case store::Code::kNotAttempted: return ErrorCode::kNotAttempted;
    case store::Code::kInvalidCommand: return ErrorCode::kInvalidCommand;
    case store::Code::kStaleRequest: return ErrorCode::kStaleRequest;
    case store::Code::kOk: break;
  }
  return ErrorCode::kInternal;
}

ApiError ApiError::FromStore(const store::Status& status) {
  ApiError e(FromStoreCode(status.code()), status.message());
  if (status.failed_op() >= 0) e.failed_op = status.failed_op();
  return e;
}

ApiError ApiError::FromRaft(const raft::Status& status, std::string_view what) {
  using C = raft::Status::Code;
  const std::string w(what);
  switch (status.code()) {
    case C::kNotLeader:
    case C::kProposalDropped:
      return {ErrorCode::kNoLeader, "no leader: the " + w + " was not executed (" +
                                        status.message() + "); retry later"};
    case C::kTimeout:
      return {ErrorCode::kTimeout,
              w == "write" ? "the write was not confirmed in time; it may or may not have been "
                             "applied (retry with the same Idempotency-Key to find out)"
                           : "the " + w + " was not answered in time (" + status.message() + ")"};
    case C::kShutdown:
      return {ErrorCode::kShuttingDown,
              w == "write" ? "the node is stopping; the write may or may not have been applied"
                           : "the node is stopping"};
    default:
      return {ErrorCode::kInternal, "the " + w + " failed: " + status.ToString()};
  }
}

http::Response ApiError::ToResponse() const {
  nlohmann::json error = {{"code", name()}, {"message", message}};
  if (failed_op) error["failed_op"] = *failed_op;
  return http::Response::Json(http_status(), {{"error", std::move(error)}});
}

}  // namespace coord::api::service
