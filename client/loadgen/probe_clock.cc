#include "client/loadgen/probe_clock.h"

namespace coord::loadgen {

void ProbeClock::SetWindow(MeasuredWindow window) {
  std::lock_guard<std::mutex> lock(mu_);
  window_ = window;
}

void ProbeClock::Sending(TimePoint at) {
  std::lock_guard<std::mutex> lock(mu_);
  in_flight_ = at;
}

void ProbeClock::Answered(uint64_t zxid) {
  std::lock_guard<std::mutex> lock(mu_);
  if (in_flight_ && InWindow(*in_flight_)) measured_[zxid] = *in_flight_;
  in_flight_.reset();
  last_answered_zxid_ = zxid;
}

void ProbeClock::Failed() {
  std::lock_guard<std::mutex> lock(mu_);
  in_flight_.reset();
}

std::optional<ProbeClock::TimePoint> ProbeClock::MeasuredSendTime(uint64_t zxid) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = measured_.find(zxid); it != measured_.end()) return it->second;
  if (in_flight_ && zxid > last_answered_zxid_ && InWindow(*in_flight_)) return in_flight_;
  return std::nullopt;
}

uint64_t ProbeClock::measured_writes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return measured_.size();
}

bool ProbeClock::InWindow(TimePoint at) const {
  return window_ && at >= window_->from && at < window_->deadline;
}

}  // namespace coord::loadgen
