// SseParser: the messages of a `text/event-stream` body (the WHATWG "server-sent events"
// format, as coord's watch streams write it), from bytes that arrive in pieces of any size.
//
// Lines end with "\n" (a "\r" before it is dropped); a blank line ends a message; a line
// starting with ":" is a comment; "field: value" sets `event`, `id` or appends to `data`
// (several data lines are joined with "\n"); other fields are ignored. A message with no
// field (blank lines in a row) is not reported.
//
// Thread-safety: none; one parser per stream.
#pragma once

#include <string>
#include <string_view>

namespace coord::loadgen {

struct SseMessage {
  std::string event;  // "" for a plain message (coord: one write's events)
  std::string id;
  std::string data;
};

class SseParser {
 public:
  // Parses the next bytes of the stream and calls `on_message(const SseMessage&)` for each
  // message they complete, in order. The message is only valid during the call.
  template <typename OnMessage>
  void Feed(std::string_view bytes, OnMessage&& on_message) {
    while (!bytes.empty()) {
      const size_t eol = bytes.find('\n');
      line_.append(bytes.substr(0, eol));
      if (eol == std::string_view::npos) return;  // the rest of the line comes later
      bytes.remove_prefix(eol + 1);
      if (!EndLine()) continue;
      on_message(static_cast<const SseMessage&>(message_));
      ClearMessage();
    }
  }

 private:
  // Interprets the complete line in `line_`; true if it ended a message (in `message_`).
  bool EndLine();
  void ClearMessage();

  std::string line_;
  SseMessage message_;
  bool has_fields_ = false;
  bool has_data_ = false;
};

}  // namespace coord::loadgen
