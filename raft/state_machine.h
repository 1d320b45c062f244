// StateMachine: what the runtime applies committed log entries to.
//
// The contract that makes replicas agree: Apply is deterministic and total. Given the same
// sequence of (index, command) every replica reaches the same state and returns the same
// responses. No wall clock, randomness or thread timing may influence it; whatever an apply
// needs to know about time is stamped into the command by the proposer.
//
// Threading: Apply, CaptureSnapshot and Restore are called from one thread (the apply thread).
// A SnapshotWriter returned by CaptureSnapshot may then be run on any other thread while Apply
// continues: that is how taking a snapshot avoids stopping the world.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "raft/status.h"

namespace coord::raft {

// Receives a snapshot's bytes in chunks, in order.
class SnapshotSink {
 public:
  virtual ~SnapshotSink() = default;
  virtual Status Write(std::string_view chunk) = 0;
};

// Produces a snapshot's bytes in chunks, in order.
class SnapshotSource {
 public:
  virtual ~SnapshotSource() = default;
  // Fills *chunk with the next piece; returns false at the end (then *chunk is empty).
  virtual Result<bool> Read(std::string* chunk) = 0;
};

// A point-in-time image of the state machine, serialized on demand.
class SnapshotWriter {
 public:
  virtual ~SnapshotWriter() = default;
  // The last applied index the image reflects.
  virtual uint64_t index() const = 0;
  // Streams the image into `sink`. May run on any thread, concurrently with Apply.
  virtual Status WriteTo(SnapshotSink& sink) = 0;
};

class StateMachine {
 public:
  virtual ~StateMachine() = default;

  // Applies the command committed at `index` (strictly increasing across calls) and returns
  // the response for whoever proposed it. An empty command (the leader's no-op) must still
  // advance the state machine's notion of the last applied index.
  virtual std::string Apply(uint64_t index, std::string_view command) = 0;

  // The index of the last entry applied (or restored from a snapshot).
  virtual uint64_t LastApplied() const = 0;

  // Captures the current state cheaply (cost must not grow with the size of the state in a
  // way that stalls Apply noticeably); the writer serializes it later.
  virtual std::unique_ptr<SnapshotWriter> CaptureSnapshot() = 0;

  // Replaces the whole state with the snapshot read from `source`. On error the state machine
  // is left unchanged.
  virtual Status Restore(SnapshotSource& source) = 0;
};

}  // namespace coord::raft
