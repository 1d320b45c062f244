#include "client/loadgen/sse_parser.h"

namespace coord::loadgen {

bool SseParser::EndLine() {
  std::string_view line = line_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  bool ends_message = false;
  if (line.empty()) {
    ends_message = has_fields_;
    has_fields_ = false;
    has_data_ = false;
  } else if (line.front() != ':') {
    const size_t colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field == "event") {
      message_.event = value;
    } else if (field == "id") {
      message_.id = value;
    } else if (field == "data") {
      if (has_data_) message_.data += '\n';
      message_.data += value;
      has_data_ = true;
    }
    has_fields_ = true;
  }
  line_.clear();
  return ends_message;
}

void SseParser::ClearMessage() {
  // clear() rather than a fresh SseMessage: the strings keep their capacity for the next one.
  message_.event.clear();
  message_.id.clear();
  message_.data.clear();
}

}  // namespace coord::loadgen
