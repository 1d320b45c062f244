#include "coord/reads.h"

#include <string>

#include "coord/tree_ops.h"

namespace coord::store {

Result<GetResult> GetNode(const State& state, const Options& options, std::string_view path) {
  if (Status st = ValidatePath(path, options); !st.ok()) return st;
  const NodeRef* node = FindNode(state, path);
  if (!node) return Error(Code::kNoNode, "no node " + std::string(path));
  return GetResult{std::string((*node)->data()), (*node)->stat()};
}

Result<std::optional<Stat>> ExistsNode(const State& state, const Options& options,
                                       std::string_view path) {
  if (Status st = ValidatePath(path, options); !st.ok()) return st;
  const NodeRef* node = FindNode(state, path);
  if (!node) return std::optional<Stat>();
  return std::optional<Stat>((*node)->stat());
}

Result<ChildrenResult> ListChildren(const State& state, const Options& options,
                                    std::string_view path, bool with_stats) {
  if (Status st = ValidatePath(path, options); !st.ok()) return st;
  const NodeRef* node = FindNode(state, path);
  if (!node) return Error(Code::kNoNode, "no node " + std::string(path));
  ChildrenResult result;
  result.stat = (*node)->stat();
  result.names.reserve(result.stat.num_children);
  // The children are the run of keys whose parent is `path` (path.h).
  for (auto it = state.nodes.LowerBound(PathKey::FirstChildOf(path));
       it.Valid() && (*it)->key().parent == path; it.Next()) {
    result.names.emplace_back((*it)->key().name);
    if (with_stats) result.stats.push_back((*it)->stat());
  }
  return result;
}

}  // namespace coord::store
