// StoreView: an immutable image of the store at one zxid, for reading off the apply thread.
//
// Taking a view copies a few pointers (state.h); the view then never changes, however many
// writes the store applies after it, and may be read from any thread, by any number of
// threads at once. It keeps the nodes it shares alive, so hold it only as long as needed.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "coord/options.h"
#include "coord/reads.h"
#include "coord/session_ops.h"
#include "coord/state.h"

namespace coord::store {

class StoreView {
 public:
  StoreView(State state, Options options) : state_(std::move(state)), options_(options) {}

  uint64_t zxid() const { return state_.zxid; }
  size_t node_count() const { return state_.nodes.size(); }
  size_t session_count() const { return state_.sessions.size(); }

  Result<GetResult> Get(std::string_view path) const { return GetNode(state_, options_, path); }
  Result<std::optional<Stat>> Exists(std::string_view path) const {
    return ExistsNode(state_, options_, path);
  }
  Result<ChildrenResult> Children(std::string_view path, bool with_stats = false) const {
    return ListChildren(state_, options_, path, with_stats);
  }
  std::optional<Session> GetSession(uint64_t id) const {
    const Session* s = FindSession(state_, id);
    return s ? std::optional<Session>(*s) : std::nullopt;
  }

  const State& state() const { return state_; }
  const Options& options() const { return options_; }

 private:
  State state_;
  Options options_;
};

}  // namespace coord::store
