// Helpers shared by the server tests: a started server on 127.0.0.1 with a free port, and a
// queue that hands parked Responders from handlers to the test thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include <gtest/gtest.h>

#include "api/http/server.h"

namespace coord::api::http::testing {

inline Options TestOptions() {
  Options o;
  o.address = "127.0.0.1";
  o.port = 0;
  o.threads = 2;
  return o;
}

// nullptr (with a test failure) if Start() fails.
inline std::unique_ptr<Server> StartServer(Options options, Router router,
                                           MetricsRegistry* metrics = nullptr) {
  auto server = std::make_unique<Server>(std::move(options), std::move(router), metrics);
  const raft::Status s = server->Start();
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return nullptr;
  return server;
}

// Handlers push (request, responder); the test pops them and answers when it chooses.
class ParkedRequests {
 public:
  Handler handler() {
    return [this](Request request, Responder responder) { Push(std::move(request), std::move(responder)); };
  }

  void Push(Request request, Responder responder) {
    std::lock_guard<std::mutex> lock(mu_);
    items_.emplace_back(std::move(request), std::move(responder));
    ++pushed_;
    cv_.notify_all();
  }

  std::optional<std::pair<Request, Responder>> Pop(
      std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000)) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return !items_.empty(); })) return std::nullopt;
    auto item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  int pushed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return pushed_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<Request, Responder>> items_;
  int pushed_ = 0;
};

// A thread-safe hand-over of values (writers, statuses) from server threads to the test.
template <typename T>
class Mailbox {
 public:
  void Push(T value) {
    std::lock_guard<std::mutex> lock(mu_);
    items_.push_back(std::move(value));
    cv_.notify_all();
  }
  std::optional<T> Pop(std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000)) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return !items_.empty(); })) return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    return value;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> items_;
};

}  // namespace coord::api::http::testing
