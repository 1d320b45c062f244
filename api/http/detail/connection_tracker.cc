#include "api/http/detail/connection_tracker.h"

namespace coord::api::http::detail {

ConnectionTracker::Admission ConnectionTracker::TryAdd(uint64_t id,
                                                       std::weak_ptr<Connection> connection) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return Admission::kStopping;
  if (connections_.size() >= max_) return Admission::kFull;
  connections_.emplace(id, std::move(connection));
  return Admission::kAdmitted;
}

void ConnectionTracker::Remove(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (connections_.erase(id) > 0 && connections_.empty()) empty_cv_.notify_all();
}

std::vector<std::shared_ptr<Connection>> ConnectionTracker::BeginStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  return Snapshot();
}

std::vector<std::shared_ptr<Connection>> ConnectionTracker::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<Connection>> out;
  out.reserve(connections_.size());
  for (const auto& [id, weak] : connections_) {
    if (auto c = weak.lock()) out.push_back(std::move(c));
  }
  return out;
}

bool ConnectionTracker::WaitEmpty(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock<std::mutex> lock(mu_);
  return empty_cv_.wait_until(lock, deadline, [&] { return connections_.empty(); });
}

size_t ConnectionTracker::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return connections_.size();
}

}  // namespace coord::api::http::detail
