// RequestLoop: one keep-alive HTTP/1.1 connection of a run, with one request in flight: send,
// wait for the whole response, record its latency, send the next, until the deadline.
// Latencies of requests started before `measure_from` are not recorded. Errors are counted by
// kind (`http_503`, `io: Connection refused`, ...); a connection that fails is reopened.
//
// Thread-safety: a loop's handlers run one at a time (one chain of operations), on any of the
// io_context's threads; `result` may be read once the loop has finished. What the loops of a
// run share is either constant during the run or atomic.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "client/loadgen/load_options.h"
#include "client/loadgen/load_runner.h"
#include "client/loadgen/request_factory.h"

namespace coord::loadgen {

enum class LoopMode { kPopulate, kTimed };

// What every loop of a run shares; it outlives them.
struct RequestLoopShared {
  const LoadOptions* options = nullptr;
  const RequestFactory* factory = nullptr;
  LoopMode mode = LoopMode::kTimed;
  std::chrono::steady_clock::time_point measure_from;
  std::chrono::steady_clock::time_point deadline;
  uint64_t populate_count = 0;
  std::atomic<uint64_t> next_populate{0};
  std::atomic<uint64_t> completed{0};     // answers of any status, for the progress line
  std::atomic<uint64_t> failed{0};        // errors counted in the results
  std::atomic<uint64_t> acknowledged{0};  // 2xx answers, measured or not (the watch check)
  std::atomic<int> running{0};
  // Called once by each loop as it stops, on an I/O thread (must not block).
  std::function<void()> on_finished;
};

class RequestLoop : public std::enable_shared_from_this<RequestLoop> {
 public:
  // `id` numbers the loop (its random seed and its keys in `create`).
  RequestLoop(boost::asio::io_context& io, RequestLoopShared* shared, int id, Target target);

  void Start();

  RunResult result;

 private:
  using Clock = std::chrono::steady_clock;

  void Connect();
  void SendNext();
  void OnResponse(boost::beast::error_code ec);
  void Failed(const std::string& kind, bool reconnect);
  void Reconnect();
  void Finish();

  boost::beast::tcp_stream stream_;
  boost::asio::steady_timer timer_;
  RequestLoopShared* const shared_;
  const int id_;
  const Target target_;
  std::mt19937_64 rng_;
  uint64_t seq_ = 0;
  std::string session_;
  bool opening_session_ = false;
  bool finished_ = false;
  HttpRequest req_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
  boost::beast::flat_buffer buffer_;
  Clock::time_point started_;
};

}  // namespace coord::loadgen
