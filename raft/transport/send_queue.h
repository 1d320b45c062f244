// SendQueue: the bounded hand-off between threads calling Transport::Send and the one peer
// writer that drains it.
//
// Bounded in messages and in bytes: when a peer is down or slow, messages beyond the bound are
// refused (the caller counts them as dropped). Raft tolerates lost messages; a queue that grew
// without bound while a peer is away would not be tolerated by the process.
//
// The queue also decides when the writer must be woken, so at most one wake-up is in flight:
// it is "armed" when the writer found it empty, and the first Push after that returns
// kQueuedWakeWriter; every other Push returns kQueued.
//
// Thread-safety: every member may be called from any thread; an internal mutex guards the
// contents and is never held while doing anything but moving messages in or out (a mutex and
// not a strand post, because the bound must hold at Push time: posting first would queue the
// message in the executor, without bound).
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>

#include "raft/raft.pb.h"

namespace coord::raft::transport {

class SendQueue {
 public:
  struct Item {
    raft::pb::Message message;
    size_t bytes = 0;  // serialized size (without the frame's length prefix)
  };
  enum class PushResult {
    kQueued,
    kQueuedWakeWriter,  // queued, and the caller must wake the writer
    kFull,              // refused: the queue is at its message or byte bound
    kClosed,            // refused: the peer was removed or the transport stopped
  };

  // REQUIRES: max_messages > 0, and max_bytes >= the largest message ever pushed.
  SendQueue(size_t max_messages, size_t max_bytes);

  PushResult Push(raft::pb::Message&& message, size_t bytes);

  // Moves messages from the front into `out` until adding the next would exceed
  // `max_batch_bytes` (at least one message is moved if any is queued). Returns how many were
  // moved. Returning 0 arms the wake-up. When everything queued fits, the whole queue is
  // swapped out in O(1), so Push callers never wait behind a long copy.
  // REQUIRES: out->empty().
  size_t TakeBatch(size_t max_batch_bytes, std::deque<Item>* out);

  // Discards every queued message and refuses future pushes; returns how many were discarded.
  size_t Close();

  size_t size() const;
  size_t bytes() const;

 private:
  const size_t max_messages_;
  const size_t max_bytes_;

  mutable std::mutex mu_;
  std::deque<Item> items_;   // GUARDED_BY(mu_)
  size_t bytes_ = 0;         // GUARDED_BY(mu_)
  bool wake_armed_ = true;   // GUARDED_BY(mu_): the writer is idle and waits for a wake-up
  bool closed_ = false;      // GUARDED_BY(mu_)
};

}  // namespace coord::raft::transport
