#include "api/http/responder.h"

#include <cstdio>
#include <cstdlib>

#include "api/http/detail/connection.h"
#include "api/http/error.h"

namespace coord::api::http {
namespace {

[[noreturn]] void ResponderMisuse(const char* what) {
  std::fprintf(stderr, "Responder invariant violated: %s\n", what);
  std::abort();
}

}  // namespace

Responder::Responder(std::shared_ptr<void> io_keepalive,
                     std::shared_ptr<detail::Connection> connection, uint64_t seq)
    : io_keepalive_(std::move(io_keepalive)), connection_(std::move(connection)), seq_(seq) {}

Responder::Responder(Responder&& other) noexcept
    : io_keepalive_(std::move(other.io_keepalive_)),
      connection_(std::move(other.connection_)),
      seq_(other.seq_) {}

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    Drop();
    connection_ = std::move(other.connection_);
    io_keepalive_ = std::move(other.io_keepalive_);
    seq_ = other.seq_;
  }
  return *this;
}

Responder::~Responder() { Drop(); }

void Responder::Drop() {
  if (!connection_) return;
  std::shared_ptr<detail::Connection> connection = std::move(connection_);
  connection->PostResponse(
      seq_, ErrorResponse(ErrorCode::kInternal, "the handler finished without responding"));
}

void Responder::Send(Response response) {
  if (!connection_) ResponderMisuse("Send() on a Responder that already answered or was moved");
  std::shared_ptr<detail::Connection> connection = std::move(connection_);
  connection->PostResponse(seq_, std::move(response));
}

std::shared_ptr<StreamWriter> Responder::StartStream(StreamOptions options) {
  if (!connection_) {
    ResponderMisuse("StartStream() on a Responder that already answered or was moved");
  }
  std::shared_ptr<detail::Connection> connection = std::move(connection_);
  auto state = std::make_shared<detail::StreamState>(options.max_buffered_bytes);
  connection->PostStreamStart(seq_, std::move(options), state);
  return detail::StreamAccess::Make(io_keepalive_, std::move(connection), std::move(state), seq_);
}

}  // namespace coord::api::http
