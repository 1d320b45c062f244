#include "raft/transport/address.h"

#include <charconv>

namespace coord::raft::transport {

std::string HostPort::ToString() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

Result<HostPort> ParseHostPort(std::string_view text) {
  auto bad = [&](const char* why) {
    return Status::InvalidArgument("bad address \"" + std::string(text) + "\": " + why);
  };
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return bad("unbalanced '['");
    host = text.substr(1, close - 1);
    if (close + 1 >= text.size() || text[close + 1] != ':') return bad("expected \"[host]:port\"");
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("expected \"host:port\"");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    // An unbracketed IPv6 literal would be ambiguous ("::1:80").
    if (host.find(':') != std::string_view::npos) return bad("IPv6 hosts need brackets");
  }
  if (host.empty()) return bad("empty host");
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size()) {
    return bad("port is not a number");
  }
  if (value == 0 || value > 65535) return bad("port out of range 1..65535");
  return HostPort{std::string(host), static_cast<uint16_t>(value)};
}

}  // namespace coord::raft::transport
