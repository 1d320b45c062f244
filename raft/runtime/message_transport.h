// MessageTransport: what the Raft driver needs from the network. The TCP transport implements
// it (raft/transport); inbound messages go to RaftNode::Step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "raft/raft.pb.h"

namespace coord::raft {

class MessageTransport {
 public:
  virtual ~MessageTransport() = default;
  // Queues messages for their recipients (each names its `to`). Must not block.
  virtual void Send(std::vector<pb::Message> messages) = 0;
  // Learns or forgets a peer's address ("host:port"), after a membership change.
  virtual void AddPeer(uint64_t id, const std::string& address) = 0;
  virtual void RemovePeer(uint64_t id) = 0;
};

}  // namespace coord::raft
