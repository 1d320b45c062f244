// StoreSnapshotWriter: streams a captured State in the format documented in snapshot.proto.
//
// Capture is a copy of the State (a few pointer copies, state.h); WriteTo then walks that
// immutable image in order and never sees writes applied after the capture, which is what
// lets it run on another thread while Apply continues. Memory while writing is one chunk
// (plus one record), however large the tree.
#pragma once

#include <cstddef>
#include <cstdint>

#include "coord/state.h"
#include "raft/state_machine.h"

namespace coord::store {

class StoreSnapshotWriter : public raft::SnapshotWriter {
 public:
  static constexpr size_t kDefaultChunkBytes = 256 << 10;

  explicit StoreSnapshotWriter(State state, size_t chunk_bytes = kDefaultChunkBytes)
      : state_(std::move(state)), chunk_bytes_(chunk_bytes) {}

  uint64_t index() const override { return state_.zxid; }

  // Streams the image into `sink`, in chunks of about chunk_bytes. Returns the first error
  // the sink reports. May be called more than once, from any one thread at a time.
  raft::Status WriteTo(raft::SnapshotSink& sink) override;

 private:
  const State state_;
  const size_t chunk_bytes_;
};

}  // namespace coord::store
