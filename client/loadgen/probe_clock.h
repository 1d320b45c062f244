// ProbeClock: when each probe write of the watch workload was sent, by the zxid it got, so a
// watch stream that receives the probe's event can tell its delivery latency (receipt - send).
//
// The probe writes one at a time, so a stream may read a probe event before the probe has
// read the write's answer; that event can only be the write in flight, which is why an
// unknown zxid above the last answered one maps to the in-flight write's send time. After a
// probe write fails (its zxid is unknown, yet it may have been applied), the probe must
// stop: a late event of the failed write would otherwise be taken for the next one.
//
// Thread-safety: all members are thread-safe (one mutex; the probe calls Sending/Answered,
// the streams call MeasuredSendTime on each probe event they read).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "client/loadgen/load_runner.h"

namespace coord::loadgen {

class ProbeClock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Writes sent within `window` count; before this call none does.
  void SetWindow(MeasuredWindow window);

  // The probe is about to send a write.
  void Sending(TimePoint at);
  // The write in flight was answered with `zxid`.
  void Answered(uint64_t zxid);
  // The write in flight failed without a zxid.
  void Failed();

  // When the probe write that made `zxid` was sent, if it was sent within the window.
  std::optional<TimePoint> MeasuredSendTime(uint64_t zxid) const;
  // How many answered writes were sent within the window.
  uint64_t measured_writes() const;

 private:
  bool InWindow(TimePoint at) const;  // REQUIRES: mu_ held

  mutable std::mutex mu_;
  std::optional<MeasuredWindow> window_;       // GUARDED_BY(mu_)
  std::optional<TimePoint> in_flight_;         // GUARDED_BY(mu_)
  uint64_t last_answered_zxid_ = 0;            // GUARDED_BY(mu_)
  std::unordered_map<uint64_t, TimePoint> measured_;  // zxid -> sent; GUARDED_BY(mu_)
};

}  // namespace coord::loadgen
