// StreamState: the part of a stream that a StreamWriter (any thread) and its connection (the
// connection's strand) share. Only atomics, so that Write() can answer Busy synchronously
// without a round trip to the strand; everything else about the stream is strand-owned.
//
// Backpressure protocol (no lost wake-up): a writer that finds the buffer full sets
// wants_drain and then re-reads `buffered`; the strand first decrements `buffered` and then
// exchanges wants_drain. Under seq_cst either the writer sees the decrement and retries, or
// the strand sees wants_drain and fires OnDrain.
#pragma once

#include <atomic>
#include <cstddef>

namespace coord::api::http::detail {

struct StreamState {
  explicit StreamState(size_t limit) : limit(limit) {}

  const size_t limit;               // max bytes queued and not yet written
  std::atomic<size_t> buffered{0};  // accepted by Write(), not yet written
  std::atomic<bool> wants_drain{false};
  std::atomic<bool> ended{false};   // set on the strand when the stream has ended
};

}  // namespace coord::api::http::detail
