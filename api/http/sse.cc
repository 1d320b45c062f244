#include "api/http/sse.h"

namespace coord::api::http {
namespace {

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ");
  for (char c : value) out.push_back((c == '\r' || c == '\n') ? ' ' : c);
  out.push_back('\n');
}

// Appends one `prefix` line per line of `text` (split on CRLF, CR or LF).
void AppendLines(std::string& out, std::string_view prefix, std::string_view text) {
  size_t start = 0;
  while (true) {
    const size_t end = text.find_first_of("\r\n", start);
    out.append(prefix).append(text.substr(start, end - start)).push_back('\n');
    if (end == std::string_view::npos) return;
    start = end + 1;
    if (text[end] == '\r' && start < text.size() && text[start] == '\n') ++start;
  }
}

}  // namespace

std::string FormatSseEvent(const SseEvent& event) {
  std::string out;
  out.reserve(event.data.size() + event.event.size() + event.id.size() + 32);
  if (!event.event.empty()) AppendField(out, "event", event.event);
  if (!event.id.empty()) AppendField(out, "id", event.id);
  if (event.retry_ms) AppendField(out, "retry", std::to_string(*event.retry_ms));
  AppendLines(out, "data: ", event.data);
  out.push_back('\n');
  return out;
}

std::string FormatSseComment(std::string_view text) {
  std::string out;
  AppendLines(out, ": ", text);
  out.push_back('\n');
  return out;
}

}  // namespace coord::api::http
