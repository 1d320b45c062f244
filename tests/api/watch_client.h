// Watching over HTTP in tests: an SSE reader on a raw connection (tests/http/test_client.h)
// and the parsing of `text/event-stream` bodies into messages.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/http/test_client.h"

namespace coord::api::testing {

struct SseMessage {
  std::string event;  // "" for a plain message (a batch of events)
  std::string id;
  std::string data;
  nlohmann::json Json() const { return nlohmann::json::parse(data, nullptr, false); }
};

// Every complete message in `body` (comments skipped).
std::vector<SseMessage> ParseSse(const std::string& body);

class SseWatch {
 public:
  // Opens GET `target` with Accept: text/event-stream (and Last-Event-ID if given).
  SseWatch(uint16_t port, const std::string& target, const std::string& last_event_id = "",
           std::chrono::milliseconds timeout = std::chrono::seconds(20));

  // The response status (0 if none arrived).
  int status() const { return status_; }
  std::string error_code() const { return error_code_; }

  // Reads until `done(messages so far)` holds, the stream ends or the timeout passes.
  const std::vector<SseMessage>& ReadUntil(
      const std::function<bool(const std::vector<SseMessage>&)>& done);
  // The same, with the last message's id as the condition's input (cheap on long streams):
  // reads until `done(last id so far)` holds.
  const std::vector<SseMessage>& ReadUntilLastId(const std::function<bool(uint64_t)>& done);
  const std::vector<SseMessage>& messages() const { return messages_; }
  bool ended() const { return ended_; }
  void Close() { client_.reset(); }

 private:
  std::unique_ptr<http::testing::TestClient> client_;
  int status_ = 0;
  std::string error_code_;
  std::vector<SseMessage> messages_;
  bool ended_ = false;
};

// A stream client that does not read until told to, with a tiny socket receive buffer, so the
// server's side of the connection fills after a few kilobytes: a slow consumer.
class SlowSseReader {
 public:
  SlowSseReader(uint16_t port, const std::string& target);
  ~SlowSseReader();
  bool ok() const { return ok_; }
  // Reads everything until the server closes (or the timeout) and parses the SSE body.
  std::vector<SseMessage> ReadToEnd(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  bool ok_ = false;
};

// The batches (plain messages) of `messages`: their zxids, and all their events.
std::vector<uint64_t> BatchZxids(const std::vector<SseMessage>& messages);
std::vector<nlohmann::json> BatchEvents(const std::vector<SseMessage>& messages);

}  // namespace coord::api::testing
