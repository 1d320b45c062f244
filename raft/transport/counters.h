// Counters: the live numbers behind Stats. Internal to the transport.
//
// Atomics, so the I/O thread (and Send, for drops) update them without locks and stats() reads
// them from any thread. Relaxed ordering: each counter is exact, but a snapshot of several is
// not atomic as a whole, which Stats documents.
#pragma once

#include <atomic>
#include <cstdint>

#include "raft/transport/stats.h"

namespace coord::raft::transport {

using Counter = std::atomic<uint64_t>;

inline void Bump(Counter& c, uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }
inline uint64_t Load(const Counter& c) { return c.load(std::memory_order_relaxed); }
// True for the 1st, 2nd, 4th, 8th... event counted by `after` (the counter's new value):
// how the transport keeps repeated warnings to a logarithmic number of lines.
inline bool IsPowerOfTwo(uint64_t after) { return after != 0 && (after & (after - 1)) == 0; }

struct PeerCounters {
  std::atomic<bool> connected{false};
  std::atomic<bool> inbound_connected{false};
  // Set by the first drop of a full queue, cleared by the next message it accepts: one warning
  // per episode of a full queue, however long the peer stays away.
  std::atomic<bool> queue_full{false};
  Counter messages_sent{0};
  Counter bytes_sent{0};
  Counter messages_received{0};
  Counter bytes_received{0};
  Counter dropped{0};
  Counter connects{0};
  Counter dial_failures{0};

  void CopyTo(PeerStats* out) const;
};

struct Counters {
  Counter messages_sent{0};
  Counter bytes_sent{0};
  Counter writes{0};
  Counter messages_received{0};
  Counter bytes_received{0};
  Counter dropped_queue_full{0};
  Counter dropped_oversize{0};
  Counter dropped_unknown_peer{0};
  Counter dropped_unsent{0};
  Counter connects{0};
  Counter reconnects{0};
  Counter dial_failures{0};
  Counter inbound_accepted{0};
  Counter handshakes_refused{0};
  Counter protocol_errors{0};
  Counter messages_rejected{0};

  void CopyTo(Stats* out) const;  // everything but `peers`
};

inline void PeerCounters::CopyTo(PeerStats* out) const {
  out->connected = connected.load(std::memory_order_relaxed);
  out->inbound_connected = inbound_connected.load(std::memory_order_relaxed);
  out->messages_sent = Load(messages_sent);
  out->bytes_sent = Load(bytes_sent);
  out->messages_received = Load(messages_received);
  out->bytes_received = Load(bytes_received);
  out->dropped = Load(dropped);
  out->connects = Load(connects);
  out->dial_failures = Load(dial_failures);
}

inline void Counters::CopyTo(Stats* out) const {
  out->messages_sent = Load(messages_sent);
  out->bytes_sent = Load(bytes_sent);
  out->writes = Load(writes);
  out->messages_received = Load(messages_received);
  out->bytes_received = Load(bytes_received);
  out->dropped_queue_full = Load(dropped_queue_full);
  out->dropped_oversize = Load(dropped_oversize);
  out->dropped_unknown_peer = Load(dropped_unknown_peer);
  out->dropped_unsent = Load(dropped_unsent);
  out->connects = Load(connects);
  out->reconnects = Load(reconnects);
  out->dial_failures = Load(dial_failures);
  out->inbound_accepted = Load(inbound_accepted);
  out->handshakes_refused = Load(handshakes_refused);
  out->protocol_errors = Load(protocol_errors);
  out->messages_rejected = Load(messages_rejected);
}

}  // namespace coord::raft::transport
