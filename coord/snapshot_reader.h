// ReadSnapshot: rebuilds a State from a stream in the format of snapshot.proto.
//
// The stream is untrusted input: every record is bounded, ordered and checked, the checksum
// must match, and the rebuilt state must pass CheckTree (state_check.h). Nothing is touched
// but the returned State, so a failed restore leaves the caller's state as it was. Memory is
// the new state plus one chunk and one record; nodes are bulk-loaded in order, O(n).
#pragma once

#include "coord/state.h"
#include "raft/state_machine.h"
#include "raft/status.h"

namespace coord::store {

// kCorruption for a malformed or inconsistent stream; the source's own errors as they come.
raft::Result<State> ReadSnapshot(raft::SnapshotSource& source);

}  // namespace coord::store
