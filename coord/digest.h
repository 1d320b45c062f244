// Digest: a 64-bit fingerprint of the replicated state (zxid, every node's path, data and
// stat fields, sessions, cached responses), computed in the state's canonical order. Equal
// states have equal digests on every replica and build; replicas can compare digests to
// detect divergence, and tests compare a restored state with its original this way.
// The derived indexes are not included: they are functions of the nodes. O(state size).
#pragma once

#include <cstdint>

#include "coord/state.h"

namespace coord::store {

uint64_t Digest(const State& state);

}  // namespace coord::store
