// Stats: what Transport::stats() reports, for metrics and the /cluster status page.
//
// Plain values, a snapshot taken at one moment (counters are read one by one, so two counters
// may be a few messages apart when traffic is flowing). Thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace coord::raft::transport {

struct PeerStats {
  std::string address;             // as configured, "host:port"
  bool connected = false;          // our stream to the peer is up (its handshake accepted us)
  bool inbound_connected = false;  // the peer's stream to us is up (we accepted it)
  uint64_t queued_messages = 0;    // waiting in the send queue
  uint64_t queued_bytes = 0;
  uint64_t messages_sent = 0;      // written to the socket (not necessarily received)
  uint64_t bytes_sent = 0;         // frame bytes, length prefixes included
  uint64_t messages_received = 0;  // handed to the message handler
  uint64_t bytes_received = 0;
  uint64_t dropped = 0;            // every message to this peer that was not written, any reason
  uint64_t connects = 0;           // handshakes that succeeded
  uint64_t dial_failures = 0;      // attempts that failed before the handshake completed
};

struct Stats {
  // Outbound.
  uint64_t messages_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t writes = 0;  // socket writes; messages_sent / writes is the coalescing factor
  // Inbound.
  uint64_t messages_received = 0;
  uint64_t bytes_received = 0;
  // Messages not sent, by reason.
  uint64_t dropped_queue_full = 0;    // the peer's send queue was at its bound
  uint64_t dropped_oversize = 0;      // larger than max_frame_bytes: the peer would refuse it
  uint64_t dropped_unknown_peer = 0;  // `to` is not a peer (or is this node)
  uint64_t dropped_unsent = 0;        // in a write that failed, or queued for a removed peer
  // Connections.
  uint64_t connects = 0;          // outbound handshakes that succeeded
  uint64_t reconnects = 0;        // ... of which to a peer we had been connected to before
  uint64_t dial_failures = 0;     // outbound attempts that failed before the handshake completed
  uint64_t inbound_accepted = 0;  // inbound handshakes accepted
  // Inbound handshakes refused (wrong cluster or version, unknown or duplicate node...).
  uint64_t handshakes_refused = 0;
  // Inbound connections closed for bad bytes, oversize or truncated frames, or silence.
  uint64_t protocol_errors = 0;
  // Inbound messages whose `from`/`to` contradict the handshake (dropped).
  uint64_t messages_rejected = 0;
  std::map<uint64_t, PeerStats> peers;
};

}  // namespace coord::raft::transport
