// State checks: the rules a replicated state must obey, stated once and checked in code.
//
// CheckTree is what a restore runs on a state read from a snapshot (untrusted bytes): every
// node's parent exists and is not ephemeral and counts it, zxids are ordered, ephemerals
// belong to live sessions, kinds carry the right fields, cached responses belong to sessions
// and match their counts. O(n) plus one lookup per parent.
//
// CheckState adds what only bugs could break: the derived indexes equal a rebuild and every
// persistent set keeps its B+tree invariants. O(n log n); tests run it after every step.
//
// Both return "" when every rule holds, else a description of the first broken one.
#pragma once

#include <string>

#include "coord/state.h"

namespace coord::store {

std::string CheckTree(const State& state);
std::string CheckState(const State& state);

}  // namespace coord::store
