#include "api/http/stream_writer.h"

#include "api/http/detail/connection.h"
#include "api/http/detail/stream_state.h"

namespace coord::api::http {

StreamWriter::StreamWriter(std::shared_ptr<void> io_keepalive,
                           std::shared_ptr<detail::Connection> connection,
                           std::shared_ptr<detail::StreamState> state, uint64_t seq)
    : io_keepalive_(std::move(io_keepalive)),
      connection_(std::move(connection)),
      state_(std::move(state)),
      seq_(seq) {}

StreamWriter::~StreamWriter() { Close(); }

Status StreamWriter::Write(std::string bytes) {
  if (closed()) return Status::Shutdown("stream closed");
  if (bytes.empty()) return Status::Ok();
  const size_t n = bytes.size();
  size_t current = state_->buffered.load();
  while (true) {
    if (current > 0 && current + n > state_->limit) {
      // See StreamState for why wants_drain is set before the second look.
      state_->wants_drain.store(true);
      current = state_->buffered.load();
      if (current > 0 && current + n > state_->limit) return Status::Busy("stream buffer full");
      continue;
    }
    if (state_->buffered.compare_exchange_weak(current, current + n)) break;
  }
  connection_->PostStreamData(seq_, std::move(bytes));
  return Status::Ok();
}

void StreamWriter::Close() {
  if (close_requested_.exchange(true)) return;
  connection_->PostStreamClose(seq_);
}

bool StreamWriter::closed() const { return close_requested_.load() || state_->ended.load(); }

size_t StreamWriter::buffered_bytes() const { return state_->buffered.load(); }

void StreamWriter::OnDrain(std::function<void()> callback) {
  connection_->PostStreamOnDrain(seq_, std::move(callback));
}

void StreamWriter::OnClose(std::function<void(const Status&)> callback) {
  connection_->PostStreamOnClose(seq_, std::move(callback));
}

}  // namespace coord::api::http
