// TcpMessageTransport: the TCP Transport (raft/transport) seen as the driver's
// MessageTransport. Owns the Transport; inbound messages go to whatever sink is set.
//
// Thread-safety: as Transport. SetSink must be called before peers can send (i.e. right
// after Start, before the node is announced); until then inbound messages are dropped.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "raft/runtime/message_transport.h"
#include "raft/transport/transport.h"

namespace coord::raft {

class TcpMessageTransport : public MessageTransport {
 public:
  using Sink = std::function<void(pb::Message)>;

  static Result<std::unique_ptr<TcpMessageTransport>> Start(transport::Transport::Options options);

  void SetSink(Sink sink);
  void Send(std::vector<pb::Message> messages) override { transport_->Send(std::move(messages)); }
  void AddPeer(uint64_t id, const std::string& address) override {
    (void)transport_->AddPeer(id, address);
  }
  void RemovePeer(uint64_t id) override { transport_->RemovePeer(id); }

  transport::Transport& transport() { return *transport_; }
  void Stop() { transport_->Stop(); }

 private:
  TcpMessageTransport() = default;

  std::unique_ptr<transport::Transport> transport_;
  std::shared_ptr<Sink> sink_;  // set once before traffic; read on the I/O thread
  std::atomic<bool> sink_set_{false};
};

}  // namespace coord::raft
