// WatchStream: one SSE watch stream of the watch workload (GET /v1/watch ... Accept:
// text/event-stream, docs/api.md), read incrementally as chunks arrive: the stream never ends
// on its own, so it is never read "whole". For each message (one per write) it notes the
// zxid in its StreamTally and, when the message is the probe key's event, the delivery
// latency from the probe's send time (ProbeClock) to now.
//
// Error kinds: `watch_open: http_429`, `watch_open: io: ...` (not opened),
// `watch_cut: WATCHER_TOO_SLOW` (the server's `end` event), `watch_io: ...` (broken),
// `watch_bad_message` (a message without a numeric id). A stream that fails stays closed.
//
// Thread-safety: each stream's handlers run on its own strand; Start, CheckEnd and Close may
// be called from any thread. result() and tally() only once the I/O threads have stopped.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "client/loadgen/countdown.h"
#include "client/loadgen/delivery_check.h"
#include "client/loadgen/load_runner.h"
#include "client/loadgen/probe_clock.h"
#include "client/loadgen/request_factory.h"
#include "client/loadgen/sse_parser.h"

namespace coord::loadgen {

// What the streams of a run share; it outlives them.
class WatchStreamShared {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // `failed` counts every error of the run, for the progress line.
  WatchStreamShared(int streams, HttpRequest request, const std::string& probe_path,
                    const ProbeClock* probe_clock, std::atomic<uint64_t>* failed);

  // Messages read from now on in `window` count as deliveries of the run.
  void SetWindow(MeasuredWindow window);
  bool InWindow(TimePoint t) const;
  // The zxid of the probe's last write: a stream that has read it has read the whole run.
  void SetEndZxid(uint64_t zxid) { end_zxid_ = zxid; }
  uint64_t end_zxid() const { return end_zxid_; }  // 0 until set

  const HttpRequest request;
  // The probe key as a JSON string, quotes included: a message that contains it is the
  // probe's write, found without parsing the JSON of every message of every stream.
  const std::string probe_path_json;
  const ProbeClock* const probe_clock;
  std::atomic<uint64_t>* const failed;
  std::atomic<uint64_t> opened{0};     // streams that answered 200
  std::atomic<uint64_t> delivered{0};  // messages read by all streams, for the progress line
  Countdown answered;   // each stream once: its 200, or its failure
  Countdown finished;   // each stream once: it read the end zxid, or it failed

 private:
  std::atomic<TimePoint::rep> window_from_{TimePoint::max().time_since_epoch().count()};
  std::atomic<TimePoint::rep> window_deadline_{TimePoint::min().time_since_epoch().count()};
  std::atomic<uint64_t> end_zxid_{0};
};

class WatchStream : public std::enable_shared_from_this<WatchStream> {
 public:
  WatchStream(boost::asio::io_context& io, WatchStreamShared* shared, Target target);

  // Connects, sends the request, and reads for as long as the stream lasts.
  void Start();
  // Once the end zxid is set: the stream may have read it before it was known.
  void CheckEnd();
  // The end of the run: closes the connection. A stream that had not answered yet fails.
  void Close();

  // ok: messages read in the window; latency: the probe's deliveries in the window.
  const RunResult& result() const { return result_; }
  StreamTally tally() const;

 private:
  using Clock = std::chrono::steady_clock;

  void OnHeader(boost::beast::error_code ec);
  void OnStreamEnd(boost::beast::error_code ec);
  void OnBody(std::string_view bytes);
  void OnMessage(const SseMessage& message, Clock::time_point now);
  void NoteEnd();
  // Records the error (once) and settles the countdowns; the caller closes the connection.
  void Fail(const std::string& kind);
  void SettleAnswered();
  void SettleFinished();
  void CloseSocket();

  boost::beast::tcp_stream stream_;  // on its own strand
  WatchStreamShared* const shared_;
  const Target target_;
  HttpRequest request_;
  // The parser keeps a reference to it, so it is declared (and lives) before the parser.
  std::function<size_t(uint64_t, boost::beast::string_view, boost::beast::error_code&)> on_chunk_body_;
  boost::beast::http::response_parser<boost::beast::http::string_body> parser_;
  boost::beast::flat_buffer buffer_;
  SseParser sse_;
  RunResult result_;
  uint64_t batches_ = 0;
  uint64_t fingerprint_ = kEmptyFingerprint;
  uint64_t last_zxid_ = 0;
  uint64_t read_in_piece_ = 0;  // messages of the body piece being parsed
  bool answered_ = false;       // answered.CountDown() done
  bool finished_ = false;       // finished.CountDown() done
  bool read_end_ = false;
  bool failed_ = false;
  bool closing_ = false;
};

}  // namespace coord::loadgen
