// Majority quorum arithmetic over a set of voters. Pure functions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <set>
#include <vector>

namespace coord::raft {

inline size_t MajoritySize(size_t voters) { return voters / 2 + 1; }

// The largest value v such that a majority of voters have value(voter) >= v: for match
// indexes that is the highest index stored on a majority. 0 for an empty voter set.
inline uint64_t QuorumValue(const std::set<uint64_t>& voters,
                            const std::function<uint64_t(uint64_t)>& value) {
  if (voters.empty()) return 0;
  std::vector<uint64_t> values;
  values.reserve(voters.size());
  for (uint64_t id : voters) values.push_back(value(id));
  std::sort(values.begin(), values.end(), std::greater<>());
  return values[MajoritySize(values.size()) - 1];
}

enum class VoteResult { kPending, kWon, kLost };

inline VoteResult TallyVotes(size_t voters, size_t granted, size_t rejected) {
  const size_t q = MajoritySize(voters);
  if (granted >= q) return VoteResult::kWon;
  if (rejected > voters - q) return VoteResult::kLost;
  return VoteResult::kPending;
}

}  // namespace coord::raft
