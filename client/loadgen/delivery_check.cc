#include "client/loadgen/delivery_check.h"

#include <algorithm>
#include <utility>

namespace coord::loadgen {

uint64_t FoldZxid(uint64_t fingerprint, uint64_t zxid) {
  for (int i = 0; i < 8; ++i) {
    fingerprint ^= (zxid >> (8 * i)) & 0xff;
    fingerprint *= 0x100000001b3ull;
  }
  return fingerprint;
}

void CheckDeliveries(const std::vector<StreamTally>& tallies, uint64_t acknowledged_writes,
                     std::map<std::string, uint64_t>* errors) {
  using Sequence = std::pair<uint64_t, uint64_t>;  // (batches, fingerprint)
  std::map<Sequence, uint64_t> streams_by_sequence;
  for (const StreamTally& t : tallies) {
    if (t.end == StreamTally::End::kBehind) ++(*errors)["watchers_behind"];
    if (t.end != StreamTally::End::kCaughtUp) continue;
    ++streams_by_sequence[{t.batches, t.fingerprint}];
    if (t.batches < acknowledged_writes) (*errors)["watch_missed_events"] += acknowledged_writes - t.batches;
  }
  if (streams_by_sequence.size() <= 1) return;
  uint64_t most_common = 0;
  uint64_t caught_up = 0;
  for (const auto& [sequence, streams] : streams_by_sequence) {
    most_common = std::max(most_common, streams);
    caught_up += streams;
  }
  (*errors)["watch_sequence_differs"] += caught_up - most_common;
}

}  // namespace coord::loadgen
