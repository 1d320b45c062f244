// History: the operation records of one Jepsen run, in the JSON-lines format fixed by
// /work/shared/history-format.md (docs/jepsen.md adds the `f` names of the set, sessions and
// watch workloads).
//
// An Op is one line: an `invoke` or its completion (`ok`, `fail`, `info`). Every field of the
// line is kept: the ones the format defines as members, all others in `extra`, so a history read
// and written back is the same history (field order included). Pairing invokes with their
// completions is operation.h's business.
//
// Reading is a pure function; HistoryWriter is thread-safe (client threads append directly).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jepsen/jsonl.h"

namespace coord::jepsen {

enum class OpType { kInvoke, kOk, kFail, kInfo };

// "invoke", "ok", "fail", "info".
const char* OpTypeName(OpType type);
std::optional<OpType> ParseOpType(const std::string& name);

struct Op {
  int64_t process = 0;
  OpType type = OpType::kInvoke;
  std::string f;
  std::optional<std::string> key;  // absent when the line has no "key"
  Json value;                      // null when absent; workloads give it meaning
  int64_t time = 0;                // ns since the start of the run, one clock per run
  std::optional<std::string> error;
  Json extra = Json::object();     // every other field, in the order read
  size_t line = 0;                 // 1-based line in the file it came from; 0 if built in code

  bool completion() const { return type != OpType::kInvoke; }
};

using History = std::vector<Op>;

// Converts one parsed line. InvalidArgument names the offending field: "process" must be an
// integer, "type" one of the four names, "f" a string, "key" a string if present, "time" an
// integer, "error" a string if present.
Result<Op> OpFromJson(const Json& line);

// The line for `op`: process, type, f, key (if any), value, time, error (if any), then extra.
Json OpToJson(const Op& op);

// Parses a whole history. Blank lines are skipped. The first malformed line stops the read with
// InvalidArgument "<source_name>:<line>: <what is wrong>". Times may be slightly out of line
// order (client threads stamp a time, then take the writer's lock); checkers use the times, and
// the line order only within one process, where it is exact.
Result<History> ParseHistory(std::istream& in, const std::string& source_name);
Result<History> ReadHistoryFile(const std::string& path);

// Appends ops to a history file as they happen. Thread-safe (see JsonLinesWriter); each Append
// is flushed before it returns.
class HistoryWriter {
 public:
  Status Open(const std::string& path) { return out_.Open(path); }
  Status Append(const Op& op) { return out_.Append(OpToJson(op)); }
  Status Close() { return out_.Close(); }

 private:
  JsonLinesWriter out_;
};

}  // namespace coord::jepsen
