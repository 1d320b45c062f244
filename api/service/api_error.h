// ApiError and ApiResult: how errors cross the boundary between coord's HTTP handlers and the
// modules they call (the store, the Raft runtime, request parsing), and the one table that maps
// each error code to its HTTP status and JSON code.
//
// Every error reply of the API has the body
//   {"error": {"code": "NO_NODE", "message": "..."}}
// (a refused transaction adds "failed_op" inside "error"). docs/api.md lists the table for
// clients; a code is never renamed once published.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "api/http/response.h"
#include "coord/status.h"
#include "raft/result.h"
#include "raft/status.h"

namespace coord::api::service {

enum class ErrorCode {
  // The store's domain codes (coord/status.h), one for one.
  kNoNode,
  kNodeExists,
  kBadVersion,
  kNotEmpty,
  kNoChildrenForEphemerals,
  kInvalidPath,
  kDataTooLarge,
  kSessionExpired,
  kInvalidArgument,
  kRolledBack,
  kNotAttempted,
  kInvalidCommand,
  kStaleRequest,
  // The API's own.
  kInvalidJson,       // body is not a JSON object, not UTF-8, too deeply nested
  kInvalidParameter,  // a query parameter, header or JSON field has a bad type or value
  kNoLeader,          // no leader within the bounded wait: the request was not applied
  kTimeout,           // no answer in time: a write's outcome is unknown
  kShuttingDown,      // the node is stopping: a write's outcome is unknown
  kNotReady,          // /ready: no leader, or not caught up
  kRateLimited,       // too many keepalives for one session
  kTooManyWatchers,   // the node's watcher limit is reached (--max-watchers)
  kWatchCompacted,    // a watch's `since` is older than this node's event history
  kWatcherTooSlow,    // a stream's watcher fell too far behind and was cut (SSE error event)
  kInternal,          // a bug: an answer we could not decode
};

// The row of the table for `code`.
struct ErrorInfo {
  int http_status;
  const char* name;  // "NO_NODE"
};
ErrorInfo Describe(ErrorCode code);

ErrorCode FromStoreCode(store::Code code);  // REQUIRES: code != kOk

struct ApiError {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::optional<int> failed_op;  // a refused transaction: the op that failed

  ApiError() = default;
  ApiError(ErrorCode c, std::string m) : code(c), message(std::move(m)) {}

  // The store's refusal, keeping failed_op for multis.
  static ApiError FromStore(const store::Status& status);
  // A runtime outcome that is not a state-machine answer (no leader, timeout, shutdown...).
  // `what` is "write", "read" or "leader call": it decides how the outcome is described.
  static ApiError FromRaft(const raft::Status& status, std::string_view what);

  int http_status() const { return Describe(code).http_status; }
  const char* name() const { return Describe(code).name; }
  // {"error": {"code", "message"[, "failed_op"]}} with the table's status.
  http::Response ToResponse() const;
};

template <typename T>
using ApiResult = ResultOf<T, ApiError>;

}  // namespace coord::api::service
