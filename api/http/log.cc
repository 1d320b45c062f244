#include "api/http/log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace coord::api::http {

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
    case LogLevel::kOff: return "off";
  }
  return "unknown";
}

Logger::Logger(LogLevel min_level, bool access_log, LogSink sink)
    : min_level_(min_level), access_log_(access_log), sink_(std::move(sink)) {}

void Logger::AppendValue(std::ostringstream& out, std::string_view v) {
  // Values with spaces, quotes or '=' are quoted so that lines stay machine-parsable.
  if (!v.empty() && v.find_first_of(" \"=\t\n\r\\") == std::string_view::npos) {
    out << v;
    return;
  }
  out << '"';
  for (char c : v) {
    if (c == '"' || c == '\\') out << '\\';
    out << ((c == '\n' || c == '\r') ? ' ' : c);
  }
  out << '"';
}

void Logger::Write(LogLevel level, std::string_view event, const std::string& fields) const {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char ts[80];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));

  std::string line;
  line.reserve(64 + event.size() + fields.size());
  line.append("ts=").append(ts);
  line.append(" level=").append(LogLevelName(level));
  line.append(" component=http event=").append(event);
  line.append(fields);
  if (sink_) {
    sink_(level, line);
    return;
  }
  line.push_back('\n');
  // One write per line keeps lines from different threads whole.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace coord::api::http
