// JSON lines: the container format of every file a Jepsen run writes (histories, the nemesis
// log). One JSON value per line, written in the order things happened.
//
// Json is nlohmann's *ordered* json so that fields we did not interpret are written back in the
// order we read them (tools outside the project diff these files).
//
// JsonLinesWriter is thread-safe: any number of client threads may Append concurrently; each
// line is written whole and flushed before Append returns, so a harness that dies leaves a file
// whose every complete line is readable. ReadJsonLines is a plain function with no shared state.
#pragma once

#include <cstdio>
#include <functional>
#include <istream>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "raft/status.h"

namespace coord::jepsen {

using Json = nlohmann::ordered_json;
using coord::raft::Result;
using coord::raft::Status;

// Calls `on_line(line_number, value)` for each non-blank line of `in` (line numbers are
// 1-based). Stops at the first line that is not valid JSON, or at the first non-ok Status
// returned by `on_line`, and returns it prefixed with "<source_name>:<line>: ".
Status ReadJsonLines(std::istream& in, const std::string& source_name,
                     const std::function<Status(size_t line, Json& value)>& on_line);

// Same over a file; IOError if it cannot be opened.
Status ReadJsonLinesFile(const std::string& path,
                         const std::function<Status(size_t line, Json& value)>& on_line);

class JsonLinesWriter {
 public:
  JsonLinesWriter() = default;
  ~JsonLinesWriter();
  JsonLinesWriter(const JsonLinesWriter&) = delete;
  JsonLinesWriter& operator=(const JsonLinesWriter&) = delete;

  // Creates (truncates) `path`. Must be called once, before any Append.
  Status Open(const std::string& path);

  // Appends `value` as one line and flushes it to the OS. Thread-safe.
  Status Append(const Json& value);

  // Flushes and closes; later Appends fail. Idempotent. Thread-safe.
  Status Close();

 private:
  std::mutex mu_;
  std::FILE* file_ = nullptr;  // GUARDED_BY(mu_)
  std::string path_;           // GUARDED_BY(mu_)
};

}  // namespace coord::jepsen
