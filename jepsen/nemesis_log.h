// The nemesis log: when faults were injected and healed, one JSON line per change, written by
// the cluster-control half of the harness as it acts (format in docs/jepsen.md):
//
//   {"time": 81234000, "type": "start", "fault": "partition", "detail": {"groups": [[1,2],[3]]}}
//   {"time": 91234000, "type": "stop",  "fault": "partition", "detail": null}
//
// `time` is on the run's clock (the history's). A `stop` closes the earliest open `start` of the
// same `fault` name, so overlapping faults of one kind nest; a start never stopped lasts to the
// end of the run. Checkers use the windows (sessions: a leader may change during a fault and
// restart every lease), the report shades them.
//
// Reading is pure; NemesisLogWriter is thread-safe.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "jepsen/jsonl.h"

namespace coord::jepsen {

struct FaultEvent {
  int64_t time = 0;
  bool start = true;  // "start" or "stop"
  std::string fault;  // "partition", "kill", "pause", "clock", ...
  Json detail;        // anything the nemesis wants to record; null when absent
  size_t line = 0;    // 1-based line it was read from; 0 if built in code
};

struct FaultWindow {
  std::string fault;
  Json detail;                 // the start's detail
  int64_t start = 0;
  std::optional<int64_t> stop;  // nullopt: never stopped
  int64_t stop_or(int64_t end) const { return stop.value_or(end); }
};

Result<FaultEvent> FaultEventFromJson(const Json& line);
Json FaultEventToJson(const FaultEvent& event);

// InvalidArgument "<source>:<line>: ..." for a malformed line (missing or mistyped time, type
// other than start/stop, missing fault).
Result<std::vector<FaultEvent>> ParseNemesisLog(std::istream& in, const std::string& source_name);
Result<std::vector<FaultEvent>> ReadNemesisLogFile(const std::string& path);

// Pairs starts with stops, sorted by start time. InvalidArgument (naming the line) for a stop
// with no open start of the same fault.
Result<std::vector<FaultWindow>> FaultWindows(const std::vector<FaultEvent>& events);

class NemesisLogWriter {
 public:
  Status Open(const std::string& path) { return out_.Open(path); }
  Status Append(const FaultEvent& event) { return out_.Append(FaultEventToJson(event)); }
  Status Close() { return out_.Close(); }

 private:
  JsonLinesWriter out_;
};

}  // namespace coord::jepsen
