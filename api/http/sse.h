// Server-Sent Events framing (the `text/event-stream` format of the HTML standard).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace coord::api::http {

struct SseEvent {
  std::string event;  // "event:" field; omitted when empty (the client sees "message")
  std::string id;     // "id:" field; omitted when empty. Lets a client resume with Last-Event-ID.
  std::string data;   // may contain newlines: each line becomes one "data:" field
  std::optional<int> retry_ms;  // "retry:" field: the client's reconnection delay
};

// The wire form of one event, ending with the blank line that dispatches it. CR and LF in
// `event` and `id` are replaced by spaces (they would end the field early); `data` is split on
// CRLF, CR and LF, and always yields at least one "data:" line so the event is dispatched even
// when `data` is empty.
std::string FormatSseEvent(const SseEvent& event);

// A comment line (": text\n\n"): ignored by clients, useful as a heartbeat that also makes a
// vanished client visible through a failed write.
std::string FormatSseComment(std::string_view text);

}  // namespace coord::api::http
