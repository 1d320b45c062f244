// Structured logging for the HTTP layer: one `key=value` line per event.
//
// Quiet by default (warnings and errors only); the access log is a separate switch, off by
// default. Lines go to a caller-supplied sink, or to stderr with one write() per line, so a
// later coord-wide logger can take them over without this layer depending on it.
//
// Thread-safety: a Logger is immutable after construction; Log() may be called from any
// thread. The sink must be thread-safe (the default one is).
#pragma once

#include <functional>
#include <sstream>
#include <string>
#include <string_view>

namespace coord::api::http {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

const char* LogLevelName(LogLevel level);

// Receives one finished line without the trailing newline.
using LogSink = std::function<void(LogLevel level, std::string_view line)>;

class Logger {
 public:
  // A null sink writes to stderr.
  Logger(LogLevel min_level, bool access_log, LogSink sink);

  bool Enabled(LogLevel level) const { return level >= min_level_ && level != LogLevel::kOff; }
  bool access_log() const { return access_log_; }

  // Log(LogLevel::kWarn, "accept_failed", "error", ec.message());
  template <typename... Fields>
  void Log(LogLevel level, std::string_view event, const Fields&... fields) const {
    if (!Enabled(level)) return;
    Emit(level, event, fields...);
  }

  // Access-log lines bypass the level: they are controlled by access_log() alone.
  template <typename... Fields>
  void Access(const Fields&... fields) const {
    if (!access_log_) return;
    Emit(LogLevel::kInfo, "access", fields...);
  }

 private:
  template <typename... Fields>
  void Emit(LogLevel level, std::string_view event, const Fields&... fields) const {
    std::ostringstream out;
    AppendFields(out, fields...);
    Write(level, event, out.str());
  }
  void Write(LogLevel level, std::string_view event, const std::string& fields) const;

  static void AppendValue(std::ostringstream& out, std::string_view v);
  static void AppendValue(std::ostringstream& out, const std::string& v) { AppendValue(out, std::string_view(v)); }
  static void AppendValue(std::ostringstream& out, const char* v) { AppendValue(out, std::string_view(v)); }
  template <typename T>
  static void AppendValue(std::ostringstream& out, const T& v) { out << v; }

  static void AppendFields(std::ostringstream&) {}
  template <typename V, typename... Rest>
  static void AppendFields(std::ostringstream& out, std::string_view key, const V& value,
                           const Rest&... rest) {
    out << ' ' << key << '=';
    AppendValue(out, value);
    AppendFields(out, rest...);
  }

  LogLevel min_level_;
  bool access_log_;
  LogSink sink_;
};

}  // namespace coord::api::http
