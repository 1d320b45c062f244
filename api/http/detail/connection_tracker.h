// ConnectionTracker: the set of connections being served, for the connection limit and for
// Server::Stop to reach every connection and wait until all are gone.
//
// Why a mutex and not a strand: it is touched by the accept path, by every connection's strand
// as it closes, and by Stop() on a caller's thread that must block until the set is empty. A
// strand would still need this condition variable for that wait. It is off the request path
// (once per connection), so contention is not a concern.
//
// Thread-safety: every member is safe from any thread. Lock order: mu_ is a leaf (no callbacks
// or other locks are taken while it is held).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace coord::api::http::detail {

class Connection;

class ConnectionTracker {
 public:
  explicit ConnectionTracker(size_t max_connections) : max_(max_connections) {}

  enum class Admission { kAdmitted, kFull, kStopping };
  // Adds `connection` under `id` unless max_connections are tracked or Stop has begun.
  Admission TryAdd(uint64_t id, std::weak_ptr<Connection> connection);
  // Idempotent.
  void Remove(uint64_t id);

  // From now on TryAdd answers kStopping. Returns the connections tracked now.
  std::vector<std::shared_ptr<Connection>> BeginStop();
  std::vector<std::shared_ptr<Connection>> Snapshot() const;

  // Blocks until no connection is tracked or `deadline` passes; true if empty.
  bool WaitEmpty(std::chrono::steady_clock::time_point deadline) const;

  size_t size() const;

 private:
  const size_t max_;
  mutable std::mutex mu_;
  mutable std::condition_variable empty_cv_;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> connections_;  // GUARDED_BY(mu_)
  bool stopping_ = false;                                                 // GUARDED_BY(mu_)
};

}  // namespace coord::api::http::detail
