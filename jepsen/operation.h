// Operation: an invoke paired with its completion, the unit every checker reasons about.
//
// Pairing follows history-format.md: one process has at most one operation in flight, so a
// completion closes the open invoke of its process. An operation still open when the history
// ends is `info` (it may or may not have happened). Records whose `f` is a notification name
// (by default "event", used by the watch workload: something the client received rather than
// asked for) have no invoke; each becomes an instantaneous operation of its own.
//
// Pure functions over immutable data; a PairedHistory is safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "jepsen/history.h"

namespace coord::jepsen {

struct Operation {
  size_t index = 0;            // position in PairedHistory::operations (ids in anomalies)
  int64_t process = 0;
  std::string f;
  std::optional<std::string> key;
  OpType type = OpType::kInfo;  // kOk, kFail or kInfo, never kInvoke
  Json input;                   // the invoke's value (for a notification: its value)
  Json output;                  // the completion's value; null if the op never completed
  std::optional<std::string> error;
  int64_t invoke_time = 0;
  std::optional<int64_t> complete_time;  // nullopt: never completed (left open)
  size_t invoke_op = 0;                  // index of the invoke in PairedHistory::history
  std::optional<size_t> complete_op;     // index of the completion, if any
  bool notification = false;

  // Completion time, or `end` for an op that never completed.
  int64_t end_time_or(int64_t end) const { return complete_time.value_or(end); }
  std::optional<int64_t> latency() const {
    if (!complete_time) return std::nullopt;
    return *complete_time - invoke_time;
  }
};

struct PairedHistory {
  History history;                   // the records, in file order
  std::vector<Operation> operations;  // ordered by invoke record position (so by invoke time)
  std::vector<std::string> warnings;  // harness slips that do not prevent checking
  int64_t start_time = 0;             // first record's time (0 if empty)
  int64_t end_time = 0;               // latest time of any record

  // A field of the completion record beyond those the format defines (e.g. "zxid"), else null.
  const Json& completion_extra(const Operation& op, const std::string& name) const;
  // InvalidArgument for a checker that cannot use `op`, naming the line of its record
  // (the completion, else the invoke).
  Status Malformed(const Operation& op, const std::string& what) const;
};

struct PairOptions {
  std::set<std::string> notifications = {"event"};
};

// Pairs the records of `history`. InvalidArgument, naming the line, when the history breaks the
// format: a completion with no open invoke of its process, an invoke while the process already
// has one open, a completion whose `f` (or key) differs from its invoke's. A process that issues
// another operation after an `info` (the format says it must not) is only a warning: the pairing
// is still unambiguous.
Result<PairedHistory> PairHistory(History history, const PairOptions& options = {});

// "w 3", "r 5", "cas 1->2", "add 7": a short label for timelines and messages.
std::string DescribeOperation(const Operation& op);

}  // namespace coord::jepsen
