// Small TCP tools for the harness network tests: an echo server that can run inside a network
// namespace, and a connection that can be opened from inside one, each with deadlines so that
// a cut link shows up as a failure rather than a hang.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "jepsen/harness/network.h"

namespace coord::jepsen::harness::testing {

// Echoes every byte back on every connection accepted at `at`, from a thread that first
// enters the namespace `netns_path` (none when empty). ok() is false when it could not listen.
class EchoServer {
 public:
  EchoServer(Endpoint at, std::string netns_path = "");
  ~EchoServer();
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;
  // Waits until the server listens (or failed to); true when listening.
  bool WaitListening();

 private:
  void Serve(Endpoint at, std::string netns_path);
  std::atomic<int> state_{0};  // 0 starting, 1 listening, -1 failed
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// One client connection, owned by the calling thread.
class EchoClient {
 public:
  EchoClient() = default;
  ~EchoClient();
  EchoClient(const EchoClient&) = delete;
  EchoClient& operator=(const EchoClient&) = delete;
  // Connects within `timeout`; false on refusal, error or timeout.
  bool Connect(const Endpoint& to, std::chrono::milliseconds timeout);
  // Sends a few bytes and reads them back within `timeout`; false when the connection was
  // closed, reset, or stayed silent.
  bool Echo(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
};

// Connect + Echo from a thread inside `netns_path` (the root namespace when empty).
bool RoundTrip(const Endpoint& to, const std::string& netns_path, std::chrono::milliseconds timeout);

}  // namespace coord::jepsen::harness::testing
