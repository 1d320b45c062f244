// The handshake rules, both sides, as pure functions (no sockets): what the dialer says, when
// the acceptor lets it in, and when the dialer trusts the answer. The connection classes only
// move these messages; tests check the rules here table by table.
//
// Acceptor's checks, in order (the first failing one is reported):
//   1. protocol_version is one this node speaks            else REFUSAL_BAD_VERSION
//   2. cluster_id equals this node's                        else REFUSAL_WRONG_CLUSTER
//   3. `to` is this node's id                               else REFUSAL_WRONG_TARGET
//   4. `from` is in this node's peer set (and not itself)   else REFUSAL_UNKNOWN_NODE
//   5. no live connection already claims `from` from another IP address
//                                                           else REFUSAL_DUPLICATE_NODE
// A live connection claiming `from` from the *same* IP is taken to be the peer's own previous
// connection, which it has given up on (it only dials again after losing it): the new one
// replaces it. A second host claiming a connected id is refused, so an impostor or a
// misconfigured replica cannot take over a working peer's stream.
//
// Pure and thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "raft/status.h"
#include "raft/transport/transport.pb.h"

namespace coord::raft::transport {

inline constexpr uint32_t kProtocolVersion = 1;

pb::Hello MakeHello(uint64_t cluster_id, uint64_t from, uint64_t to);

struct AdmissionInput {
  uint64_t cluster_id = 0;  // this node's
  uint64_t node_id = 0;     // this node's
  bool from_is_peer = false;  // hello.from is in this node's peer set
  // Remote IP of a live accepted connection that already claims hello.from, if any.
  std::optional<std::string> existing_remote_ip;
  std::string remote_ip;  // of the connection being admitted
};

struct Admission {
  pb::Refusal refusal = pb::REFUSAL_NONE;
  std::string reason;              // empty when accepted
  bool replaces_existing = false;  // accepted; the existing connection must be closed
  bool accepted() const { return refusal == pb::REFUSAL_NONE; }
};

Admission Admit(const pb::Hello& hello, const AdmissionInput& input);

// The acceptor's reply for `admission`.
pb::HelloReply MakeReply(const Admission& admission, uint64_t cluster_id, uint64_t node_id);

// The dialer's check of the reply: Ok, or kInvalidArgument naming why the connection is not
// usable (refused by the peer, or the peer is not who the dialer meant to reach).
Status CheckReply(const pb::HelloReply& reply, uint64_t cluster_id, uint64_t expected_node_id);

}  // namespace coord::raft::transport
