// ProbeWriter: the watch workload's one sequential writer of its probe key. It notes each
// write's send time in a ProbeClock just before sending and the zxid of the answer after,
// which is what turns the probe's events, as the watch streams read them, into delivery
// latencies. It runs on the run's I/O threads; the caller waits for each answer.
//
// Thread-safety: one Write at a time (wait for its future before the next).
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "client/loadgen/load_options.h"
#include "client/loadgen/probe_clock.h"
#include "client/loadgen/request_factory.h"

namespace coord::loadgen {

struct ProbeAnswer {
  int status = 0;         // 0: no answer
  uint64_t zxid = 0;      // of a 2xx answer
  std::string error;      // "" for a 2xx answer with a zxid; else an error kind
  bool ok() const { return error.empty(); }
};

class ProbeWriter : public std::enable_shared_from_this<ProbeWriter> {
 public:
  ProbeWriter(boost::asio::io_context& io, Target target, ProbeClock* clock);

  // Sends `request` (connecting first if needed) with a 10 s limit per step.
  std::future<ProbeAnswer> Write(HttpRequest request);

 private:
  void Send();
  void OnAnswer(boost::beast::error_code ec);
  void Finish(ProbeAnswer answer);
  void Disconnect();  // the next write connects again

  boost::beast::tcp_stream stream_;
  const Target target_;
  ProbeClock* const clock_;
  bool connected_ = false;
  HttpRequest request_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
  boost::beast::flat_buffer buffer_;
  std::promise<ProbeAnswer> answer_;
};

}  // namespace coord::loadgen
