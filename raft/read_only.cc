#include "raft/read_only.h"

#include "raft/quorum.h"

namespace coord::raft {

uint64_t ReadOnlyQueue::Add(uint64_t index, std::string context, uint64_t from) {
  const uint64_t round = next_round_++;
  pending_.push_back(Request{index, std::move(context), from, round});
  return round;
}

void ReadOnlyQueue::RecordAck(uint64_t voter, uint64_t round) {
  uint64_t& acked = acked_round_[voter];
  if (round > acked && round < next_round_) acked = round;
}

std::vector<ReadOnlyQueue::Request> ReadOnlyQueue::Release(const std::set<uint64_t>& voters,
                                                           uint64_t self) {
  std::vector<Request> released;
  if (pending_.empty()) return released;
  const uint64_t confirmed = QuorumValue(voters, [&](uint64_t id) -> uint64_t {
    if (id == self) return next_round_ - 1;
    auto it = acked_round_.find(id);
    return it == acked_round_.end() ? 0 : it->second;
  });
  while (!pending_.empty() && pending_.front().round <= confirmed) {
    released.push_back(std::move(pending_.front()));
    pending_.pop_front();
  }
  return released;
}

void ReadOnlyQueue::Reset() {
  pending_.clear();
  acked_round_.clear();
  // Rounds keep increasing across resets so a late acknowledgement of an old round can never
  // vouch for a new one.
}

}  // namespace coord::raft
