#include "raft/transport/handshake.h"

namespace coord::raft::transport {

namespace {

Admission Refuse(pb::Refusal refusal, std::string reason) {
  Admission a;
  a.refusal = refusal;
  a.reason = std::move(reason);
  return a;
}

}  // namespace

pb::Hello MakeHello(uint64_t cluster_id, uint64_t from, uint64_t to) {
  pb::Hello hello;
  hello.set_protocol_version(kProtocolVersion);
  hello.set_cluster_id(cluster_id);
  hello.set_from(from);
  hello.set_to(to);
  return hello;
}

Admission Admit(const pb::Hello& hello, const AdmissionInput& in) {
  if (hello.protocol_version() != kProtocolVersion) {
    return Refuse(pb::REFUSAL_BAD_VERSION,
                  "protocol version " + std::to_string(hello.protocol_version()) +
                      " not supported (this node speaks " + std::to_string(kProtocolVersion) + ")");
  }
  if (hello.cluster_id() != in.cluster_id) {
    return Refuse(pb::REFUSAL_WRONG_CLUSTER,
                  "node " + std::to_string(hello.from()) + " belongs to cluster " +
                      std::to_string(hello.cluster_id()) + ", this is cluster " +
                      std::to_string(in.cluster_id));
  }
  if (hello.to() != in.node_id) {
    return Refuse(pb::REFUSAL_WRONG_TARGET,
                  "dialer wanted node " + std::to_string(hello.to()) + ", this is node " +
                      std::to_string(in.node_id) + " (check the dialer's peer addresses)");
  }
  if (hello.from() == in.node_id || !in.from_is_peer) {
    return Refuse(pb::REFUSAL_UNKNOWN_NODE,
                  "node " + std::to_string(hello.from()) + " is not in this node's peer set");
  }
  Admission ok;
  if (in.existing_remote_ip.has_value()) {
    if (*in.existing_remote_ip != in.remote_ip) {
      return Refuse(pb::REFUSAL_DUPLICATE_NODE,
                    "node " + std::to_string(hello.from()) + " is already connected from " +
                        *in.existing_remote_ip + ", refusing a second connection from " +
                        in.remote_ip);
    }
    ok.replaces_existing = true;
  }
  return ok;
}

pb::HelloReply MakeReply(const Admission& admission, uint64_t cluster_id, uint64_t node_id) {
  pb::HelloReply reply;
  reply.set_refusal(admission.refusal);
  reply.set_reason(admission.reason);
  reply.set_cluster_id(cluster_id);
  reply.set_node_id(node_id);
  reply.set_protocol_version(kProtocolVersion);
  return reply;
}

Status CheckReply(const pb::HelloReply& reply, uint64_t cluster_id, uint64_t expected_node_id) {
  if (reply.refusal() != pb::REFUSAL_NONE) {
    return Status::InvalidArgument("refused by peer (" + pb::Refusal_Name(reply.refusal()) +
                                   "): " + reply.reason());
  }
  if (reply.cluster_id() != cluster_id || reply.node_id() != expected_node_id) {
    return Status::InvalidArgument(
        "address answers as node " + std::to_string(reply.node_id()) + " of cluster " +
        std::to_string(reply.cluster_id()) + ", expected node " +
        std::to_string(expected_node_id) + " of cluster " + std::to_string(cluster_id));
  }
  return Status::Ok();
}

}  // namespace coord::raft::transport
