// StoreStateMachine: the Store behind raft::StateMachine, what the Raft runtime applies
// committed entries to.
//
// Apply(index, command) decodes a pb::Command (command.proto), executes it on the Store at
// zxid = index with the leader's stamped time and session, and returns an encoded
// pb::Response. It is total: an empty entry (the leader's no-op) returns "" and an
// undecodable one returns kInvalidCommand; both still advance LastApplied. Writes carrying a
// (session_id, request_id) are executed at most once (dedup.h): a retry returns the first
// response, byte for byte.
//
// CaptureSnapshot copies the state's roots (O(1)); the writer streams that image on any
// thread while Apply goes on. Restore reads a whole snapshot into a new state and swaps it in
// only if it is valid.
//
// Threading: as raft::StateMachine. store() and the event listener belong to the apply
// thread; View() (via store()) is for reads elsewhere.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "coord/command.pb.h"
#include "coord/options.h"
#include "coord/store.h"
#include "raft/state_machine.h"

namespace coord::store {

class StoreStateMachine : public raft::StateMachine {
 public:
  explicit StoreStateMachine(Options options = {}) : store_(options) {}

  std::string Apply(uint64_t index, std::string_view command) override;
  uint64_t LastApplied() const override { return store_.zxid(); }
  std::unique_ptr<raft::SnapshotWriter> CaptureSnapshot() override;
  raft::Status Restore(raft::SnapshotSource& source) override;

  // Snapshot chunk size (for tests of chunking; the default suits production).
  void set_snapshot_chunk_bytes(size_t bytes) { chunk_bytes_ = bytes; }

  Store& store() { return store_; }
  const Store& store() const { return store_; }

 private:
  pb::Response Execute(const Txn& txn, const pb::Command& command);

  Store store_;
  size_t chunk_bytes_ = 256 << 10;
};

}  // namespace coord::store
