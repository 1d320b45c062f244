// Structured logging for the runtime parts of coord (never used by the deterministic core):
// one line per event, `ts=... level=... event=... key=value ...`, on stderr.
//
// Quiet by default: only warnings and errors, unless COORD_LOG=debug|info|warn|error says
// otherwise (read once). Thread-safe: each line is written with a single write call.
//
//   Log(LogLevel::kInfo, "leader_changed", "term", 7, "leader", 2);
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace coord::raft {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

bool LogEnabled(LogLevel level);
// Writes one finished line (a newline is added).
void WriteLogLine(LogLevel level, std::string_view event, const std::string& fields);

namespace log_detail {
inline void AppendValue(std::ostringstream& out, std::string_view v) {
  // Quote values with spaces, quotes or '=' so lines stay machine-parsable.
  if (v.empty() || v.find_first_of(" \"=\t\n") != std::string_view::npos) {
    out << '"';
    for (char c : v) {
      if (c == '"' || c == '\\') out << '\\';
      out << (c == '\n' ? ' ' : c);
    }
    out << '"';
  } else {
    out << v;
  }
}
inline void AppendValue(std::ostringstream& out, const std::string& v) { AppendValue(out, std::string_view(v)); }
inline void AppendValue(std::ostringstream& out, const char* v) { AppendValue(out, std::string_view(v)); }
template <typename T>
void AppendValue(std::ostringstream& out, const T& v) { out << v; }

inline void AppendFields(std::ostringstream&) {}
template <typename V, typename... Rest>
void AppendFields(std::ostringstream& out, std::string_view key, const V& value, const Rest&... rest) {
  out << ' ' << key << '=';
  AppendValue(out, value);
  AppendFields(out, rest...);
}
}  // namespace log_detail

template <typename... Fields>
void Log(LogLevel level, std::string_view event, const Fields&... fields) {
  if (!LogEnabled(level)) return;
  std::ostringstream out;
  log_detail::AppendFields(out, fields...);
  WriteLogLine(level, event, out.str());
}

}  // namespace coord::raft
