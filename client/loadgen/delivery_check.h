// DeliveryCheck: did every watch stream of a run receive the same writes? Each stream folds
// the zxids it reads, in order, into a StreamTally; the run compares the tallies once the
// probe's last write (the end fence, written after every other writer stopped) has had time
// to reach them. Comparing fingerprints rather than the zxid lists keeps a stream's memory
// constant however long the run.
//
// Thread-safety: none needed (plain values; a tally belongs to its stream until the run ends).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace coord::loadgen {

struct StreamTally {
  enum class End {
    kCaughtUp,  // it read the end fence
    kBehind,    // open to the end but the end fence had not reached it in time
    kFailed,    // not opened, cut or broken (counted under its own error kind)
  };
  End end = End::kFailed;
  uint64_t batches = 0;      // messages read, one per write (every event of a write is in one)
  uint64_t fingerprint = 0;  // FoldZxid over their zxids, in order
};

// An order-sensitive hash step (FNV-1a over the zxid's 8 bytes).
uint64_t FoldZxid(uint64_t fingerprint, uint64_t zxid);

// The start value of StreamTally::fingerprint.
constexpr uint64_t kEmptyFingerprint = 0xcbf29ce484222325ull;

// Adds to `errors`, over the streams that were open to the end:
//   watchers_behind        streams that had not read the end fence in time (one per stream);
//   watch_missed_events    writes the writers saw acknowledged that a caught-up stream did not
//                          read (the sum over streams of acknowledged - batches, when positive);
//   watch_sequence_differs caught-up streams whose (batches, fingerprint) differ from the most
//                          common one among them (one per stream).
// `acknowledged_writes`: 2xx answers to writes under the watched prefix between the streams'
// start zxid and the end fence (a write with no answer may still add a batch, so a stream may
// read more).
void CheckDeliveries(const std::vector<StreamTally>& tallies, uint64_t acknowledged_writes,
                     std::map<std::string, uint64_t>* errors);

}  // namespace coord::loadgen
