// StreamWriter: a response body written piece by piece after the handler has returned, for
// Server-Sent Events (text/event-stream) and other chunked streams such as long-lived watches.
//
// A handler gets one from Responder::StartStream(). The status line and headers go out with
// `Transfer-Encoding: chunked` and `Connection: close`; every Write() becomes one chunk (or is
// coalesced with writes queued behind it). Close() sends the final chunk; the server then
// closes the connection (a stream never hands its connection back to keep-alive, so the
// server can read-and-discard to notice a client that goes away).
//
// Backpressure: at most StreamOptions::max_buffered_bytes may be queued but not yet written to
// the socket. Write() beyond that returns Busy without queuing; the producer then waits for
// OnDrain, which fires once the queue has fallen to half the limit. A single write larger than
// the limit is accepted when nothing is queued, so no event is ever unwritable.
//
// End of stream: OnClose fires exactly once, with
//   Ok                      after Close() and the final chunk was written,
//   IOError                 the client disconnected, or a write failed or timed out
//                           (Options::write_timeout),
//   Shutdown                the server is stopping (the final chunk is still sent if it can be).
// After that, Write() returns Shutdown.
//
// Thread-safety: every member may be called from any thread, concurrently. Writes from one
// thread are sent in the order written; writes from several threads in some interleaving.
// Callbacks run on the connection's strand (an I/O thread): they must not block and must not
// throw; they may call Write(). They are released once the stream has ended, so a callback may
// capture the writer's shared_ptr without leaking it.
// Dropping the last reference to a StreamWriter closes the stream as Close() does.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "api/http/headers.h"
#include "api/http/sse.h"
#include "raft/status.h"

namespace coord::api::http {

using raft::Status;

namespace detail {
class Connection;
struct StreamAccess;
struct StreamState;
}  // namespace detail

struct StreamOptions {
  int status = 200;
  std::string content_type = "text/event-stream";
  Headers headers;  // extra fields; framing fields (Content-Length, ...) are the server's
  size_t max_buffered_bytes = 1 << 20;
};

class StreamWriter {
 public:
  StreamWriter(const StreamWriter&) = delete;
  StreamWriter& operator=(const StreamWriter&) = delete;
  ~StreamWriter();

  // Queues `bytes` as (part of) one chunk. Ok: queued. Busy: the buffer is full, nothing was
  // queued, retry after OnDrain. Shutdown: the stream has ended or Close() was called.
  // An empty `bytes` is a no-op returning Ok (an empty chunk would end the stream).
  Status Write(std::string bytes);
  Status WriteEvent(const SseEvent& event) { return Write(FormatSseEvent(event)); }
  Status WriteComment(std::string_view text) { return Write(FormatSseComment(text)); }

  // Ends the stream after everything queued has been written. Idempotent.
  void Close();

  // True once the stream has ended (OnClose has fired or is about to) or Close() was called.
  bool closed() const;
  // Bytes accepted by Write() and not yet written to the socket.
  size_t buffered_bytes() const;

  // Called after a Busy, when the buffer has fallen to max_buffered_bytes / 2.
  void OnDrain(std::function<void()> callback);
  // Called once when the stream ends (see above). Registered after the end: called promptly.
  void OnClose(std::function<void(const Status&)> callback);

 private:
  friend struct detail::StreamAccess;
  StreamWriter(std::shared_ptr<void> io_keepalive, std::shared_ptr<detail::Connection> connection,
               std::shared_ptr<detail::StreamState> state, uint64_t seq);

  // Keeps the io_context alive while this writer may still post to it; declared first so it
  // is released last.
  std::shared_ptr<void> io_keepalive_;
  std::shared_ptr<detail::Connection> connection_;
  std::shared_ptr<detail::StreamState> state_;
  const uint64_t seq_;
  std::atomic<bool> close_requested_{false};
};

}  // namespace coord::api::http
