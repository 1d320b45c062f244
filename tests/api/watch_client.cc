#include "tests/api/watch_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace coord::api::testing {

std::vector<SseMessage> ParseSse(const std::string& body) {
  std::vector<SseMessage> out;
  SseMessage current;
  bool any = false;
  size_t pos = 0;
  while (true) {
    const size_t eol = body.find('\n', pos);
    if (eol == std::string::npos) break;  // an incomplete line: not yet a message
    const std::string line = body.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.empty()) {
      if (any) out.push_back(current);
      current = SseMessage();
      any = false;
      continue;
    }
    if (line[0] == ':') continue;
    const size_t colon = line.find(':');
    const std::string field = line.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    if (field == "event") current.event = value;
    if (field == "id") current.id = value;
    if (field == "data") current.data += (current.data.empty() ? "" : "\n") + value;
    any = true;
  }
  return out;
}

SseWatch::SseWatch(uint16_t port, const std::string& target, const std::string& last_event_id,
                   std::chrono::milliseconds timeout)
    : client_(std::make_unique<http::testing::TestClient>(port, timeout)) {
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
  if (!last_event_id.empty()) request += "Last-Event-ID: " + last_event_id + "\r\n";
  request += "\r\n";
  if (!client_->Send(request)) return;
  std::optional<http::testing::ClientResponse> head = client_->ReadStreamHeader();
  if (!head) return;
  status_ = head->status;
  if (status_ != 200) {
    // An error reply is a plain JSON body.
    std::string body = client_->ReadStreamUntil([](const std::string&) { return false; });
    nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("error")) error_code_ = j["error"].value("code", "");
  }
}

const std::vector<SseMessage>& SseWatch::ReadUntil(
    const std::function<bool(const std::vector<SseMessage>&)>& done) {
  if (!client_ || status_ != 200) return messages_;
  std::string body = client_->ReadStreamUntil(
      [&](const std::string& so_far) { return done(ParseSse(so_far)); }, &ended_);
  messages_ = ParseSse(body);
  return messages_;
}

const std::vector<SseMessage>& SseWatch::ReadUntilLastId(const std::function<bool(uint64_t)>& done) {
  if (!client_ || status_ != 200) return messages_;
  std::string body = client_->ReadStreamUntil(
      [&](const std::string& so_far) {
        const size_t at = so_far.rfind("\nid: ");
        if (at == std::string::npos) return done(0);
        return done(std::strtoull(so_far.c_str() + at + 5, nullptr, 10));
      },
      &ended_);
  messages_ = ParseSse(body);
  return messages_;
}

std::vector<uint64_t> BatchZxids(const std::vector<SseMessage>& messages) {
  std::vector<uint64_t> out;
  for (const SseMessage& m : messages) {
    if (m.event.empty()) out.push_back(std::stoull(m.id));
  }
  return out;
}

std::vector<nlohmann::json> BatchEvents(const std::vector<SseMessage>& messages) {
  std::vector<nlohmann::json> out;
  for (const SseMessage& m : messages) {
    if (!m.event.empty()) continue;
    const nlohmann::json batch = m.Json();
    for (const nlohmann::json& e : batch["events"]) out.push_back(e);
  }
  return out;
}

SlowSseReader::SlowSseReader(uint16_t port, const std::string& target) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int tiny = 2048;  // set before connect, so the window stays small
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
  const std::string request = "GET " + target +
                              " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
  ok_ = ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size());
}

SlowSseReader::~SlowSseReader() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<SseMessage> SlowSseReader::ReadToEnd(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string raw;
  char buf[65536];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) break;  // the server ended the stream and closed
    raw.append(buf, static_cast<size_t>(n));
  }
  // Undo the chunked framing: "<hex size>\r\n<bytes>\r\n" ... "0\r\n\r\n".
  std::string body;
  size_t pos = raw.find("\r\n\r\n");
  if (pos == std::string::npos) return {};
  pos += 4;
  while (pos < raw.size()) {
    const size_t eol = raw.find("\r\n", pos);
    if (eol == std::string::npos) break;
    const size_t size = std::stoul(raw.substr(pos, eol - pos), nullptr, 16);
    if (size == 0 || eol + 2 + size > raw.size()) break;
    body.append(raw, eol + 2, size);
    pos = eol + 2 + size + 2;
  }
  return ParseSse(body);
}

}  // namespace coord::api::testing
