// Responder: the one-shot handle through which a handler answers its request, at once or
// later, from any thread (for example after a Raft commit).
//
// Exactly one of Send() or StartStream() must be called, once. A Responder destroyed without
// either (the handler dropped it, or threw) answers 500 INTERNAL_ERROR, so a connection never
// hangs on a forgotten request. Calling Send() or StartStream() twice, or on a moved-from
// Responder, is a programming error and stops the process.
//
// Ordering: the connection reads its next request only after this response has been written;
// pipelined requests wait in the connection's buffer and are answered in order.
//
// Thread-safety: a Responder is a move-only value: one thread at a time may use it, but that
// may be any thread, and it may outlive the Server (its Send() is then a no-op). The response
// itself is written on the connection's strand.
#pragma once

#include <cstdint>
#include <memory>

#include "api/http/response.h"
#include "api/http/stream_writer.h"

namespace coord::api::http {

namespace detail {
class Connection;
struct ResponderAccess;
}  // namespace detail

class Responder {
 public:
  Responder(Responder&& other) noexcept;
  // Answers 500 for the request this Responder held, if it was still pending.
  Responder& operator=(Responder&& other) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  void Send(Response response);

  // Takes over the connection for a chunked stream (see StreamWriter). The status line and
  // headers are written at once; for a HEAD request only they are sent and the writer is
  // already closed.
  std::shared_ptr<StreamWriter> StartStream(StreamOptions options = {});

  // False after Send(), StartStream() or a move.
  bool pending() const { return connection_ != nullptr; }

 private:
  friend struct detail::ResponderAccess;
  Responder(std::shared_ptr<void> io_keepalive, std::shared_ptr<detail::Connection> connection,
            uint64_t seq);
  void Drop();

  // Keeps the io_context alive while this Responder may still post to it; declared first so
  // it is released last.
  std::shared_ptr<void> io_keepalive_;
  std::shared_ptr<detail::Connection> connection_;
  uint64_t seq_ = 0;
};

}  // namespace coord::api::http
