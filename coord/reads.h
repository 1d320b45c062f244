// Reads: get, exists and children against a State. They never go through the log; how
// fresh the state they read is (a sync first, a lease, a follower's lag) is the caller's
// choice. Pure functions of a const State, so they are safe on a StoreView from any thread.
#pragma once

#include <optional>
#include <string_view>

#include "coord/options.h"
#include "coord/requests.h"
#include "coord/state.h"

namespace coord::store {

// kInvalidPath, kNoNode.
Result<GetResult> GetNode(const State& state, const Options& options, std::string_view path);

// The node's stat, or nullopt if there is none; kInvalidPath.
Result<std::optional<Stat>> ExistsNode(const State& state, const Options& options,
                                       std::string_view path);

// The children's names in byte order, with their stats if with_stats; kInvalidPath, kNoNode.
Result<ChildrenResult> ListChildren(const State& state, const Options& options,
                                    std::string_view path, bool with_stats);

}  // namespace coord::store
