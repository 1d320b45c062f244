#include "tests/raft/simulation/sim_network.h"

#include <iterator>

namespace coord::raft::sim {

void SimNetwork::Enqueue(MessagePtr m, uint64_t at) { queue_.emplace(at, std::move(m)); }

void SimNetwork::Send(pb::Message&& m, uint64_t now) {
  if (faults_.drop > 0 && rng_->Chance(faults_.drop, 10000)) {
    trace_->RecordMessage(EventKind::kDrop, m, "(random loss)");
    return;
  }
  auto delay = [&]() -> uint64_t {
    if (faults_.delay == 0 || faults_.max_delay_steps == 0) return 0;
    if (!rng_->Chance(faults_.delay, 10000)) return 0;
    return 1 + rng_->Uniform(faults_.max_delay_steps);
  };
  if (faults_.duplicate > 0 && rng_->Chance(faults_.duplicate, 10000)) {
    const uint64_t d = delay();
    trace_->RecordMessage(EventKind::kDuplicate, m, "(copy +" + std::to_string(d) + ")");
    Enqueue(std::make_unique<pb::Message>(m), now + d);
  }
  const uint64_t d = delay();
  if (d > 0) trace_->RecordMessage(EventKind::kDelay, m, "(+" + std::to_string(d) + " steps)");
  Enqueue(std::make_unique<pb::Message>(std::move(m)), now + d);
}

size_t SimNetwork::DropFrom(uint64_t from) {
  size_t lost = 0;
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (it->second->from() == from) {
      trace_->RecordMessage(EventKind::kDrop, *it->second, "(sender crashed)");
      it = queue_.erase(it);
      ++lost;
    } else {
      ++it;
    }
  }
  return lost;
}

bool SimNetwork::HasDue(uint64_t now) const {
  return !queue_.empty() && queue_.begin()->first <= now;
}

SimNetwork::MessagePtr SimNetwork::NextDue(uint64_t now) {
  while (HasDue(now)) {
    auto it = queue_.begin();
    if (faults_.reorder) {
      // Choose among the first few due messages: enough to reorder, bounded in cost.
      size_t due = 0;
      for (auto scan = queue_.begin(); scan != queue_.end() && scan->first <= now && due < 8;
           ++scan) {
        ++due;
      }
      std::advance(it, static_cast<long>(rng_->Uniform(due)));
    }
    MessagePtr m = std::move(it->second);
    queue_.erase(it);
    if (!Connected(m->from(), m->to())) {
      trace_->RecordMessage(EventKind::kDrop, *m, "(partitioned)");
      continue;
    }
    return m;
  }
  return nullptr;
}

}  // namespace coord::raft::sim
