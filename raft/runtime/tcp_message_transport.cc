#include "raft/runtime/tcp_message_transport.h"

namespace coord::raft {

Result<std::unique_ptr<TcpMessageTransport>> TcpMessageTransport::Start(
    transport::Transport::Options options) {
  std::unique_ptr<TcpMessageTransport> t(new TcpMessageTransport());
  t->sink_ = std::make_shared<Sink>();
  TcpMessageTransport* self = t.get();
  auto started = transport::Transport::Start(std::move(options), [self](pb::Message m) {
    if (self->sink_set_.load(std::memory_order_acquire)) (*self->sink_)(std::move(m));
  });
  if (!started.ok()) return started.status();
  t->transport_ = std::move(*started);
  return t;
}

void TcpMessageTransport::SetSink(Sink sink) {
  *sink_ = std::move(sink);
  sink_set_.store(true, std::memory_order_release);
}

}  // namespace coord::raft
