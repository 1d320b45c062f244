// Connection: what Responder, StreamWriter and Server may ask of one client connection.
//
// An interface so that those callers do not compile Beast: the implementation (connection.cc)
// is the only translation unit of the server that includes it.
//
// Threading: every method may be called from any thread. Each only posts to the connection's
// strand, which owns all of the connection's state; nothing here blocks.
// `seq` identifies the request a Responder or StreamWriter belongs to: posts for any other
// request (late, duplicated, or after the connection moved on or closed) are dropped.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "api/http/responder.h"
#include "api/http/response.h"
#include "api/http/detail/stream_state.h"
#include "api/http/stream_writer.h"
#include "raft/status.h"

namespace coord::api::http::detail {

class Connection {
 public:
  virtual ~Connection() = default;

  // Server side.
  virtual void Start() = 0;          // admitted: serve requests
  virtual void StartRejected() = 0;  // over the limit: write 429, then close
  virtual void BeginShutdown() = 0;  // finish the request in flight (if any), then close
  virtual void HardClose() = 0;      // close now

  // Responder side.
  virtual void PostResponse(uint64_t seq, Response response) = 0;
  virtual void PostStreamStart(uint64_t seq, StreamOptions options,
                               std::shared_ptr<StreamState> state) = 0;

  // StreamWriter side.
  virtual void PostStreamData(uint64_t seq, std::string bytes) = 0;
  virtual void PostStreamClose(uint64_t seq) = 0;
  virtual void PostStreamOnDrain(uint64_t seq, std::function<void()> callback) = 0;
  virtual void PostStreamOnClose(uint64_t seq,
                                 std::function<void(const raft::Status&)> callback) = 0;
};

// Constructors for the handles handed to handlers (they have private constructors so that
// only the server makes them).
struct ResponderAccess {
  static Responder Make(std::shared_ptr<void> io_keepalive, std::shared_ptr<Connection> connection,
                        uint64_t seq) {
    return Responder(std::move(io_keepalive), std::move(connection), seq);
  }
};

struct StreamAccess {
  static std::shared_ptr<StreamWriter> Make(std::shared_ptr<void> io_keepalive,
                                            std::shared_ptr<Connection> connection,
                                            std::shared_ptr<StreamState> state, uint64_t seq) {
    return std::shared_ptr<StreamWriter>(new StreamWriter(
        std::move(io_keepalive), std::move(connection), std::move(state), seq));
  }
};

}  // namespace coord::api::http::detail
