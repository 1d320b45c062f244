#include "coord/tree_ops.h"

#include <string>

#include "raft/invariant.h"

namespace coord::store {
namespace {

Status CheckVersion(const Node& node, const std::optional<int32_t>& expected) {
  if (expected && *expected != node.meta().version) {
    return Error(Code::kBadVersion, "expected version " + std::to_string(*expected) + " but " +
                                        std::string(node.path()) + " is at " +
                                        std::to_string(node.meta().version));
  }
  return Status::Ok();
}

Status CheckData(const std::string& data, const Options& options) {
  if (data.size() > options.max_data_bytes) {
    return Error(Code::kDataTooLarge, std::to_string(data.size()) + " bytes of data, limit " +
                                          std::to_string(options.max_data_bytes));
  }
  return Status::Ok();
}

Status NoNode(std::string_view path) {
  return Error(Code::kNoNode, "no node " + std::string(path));
}

void Emit(EventList* events, EventType type, std::string_view path, uint64_t zxid) {
  if (events) events->push_back(Event{type, std::string(path), zxid});
}

// Calls fn on the meta of the node at `path`, first copying the record if anyone else holds
// it; returns the meta as it was before. REQUIRES: the node exists.
template <typename Fn>
Node::Meta UpdateMeta(State& state, const std::string& path, Fn&& fn) {
  Node::Meta before;
  bool found = state.nodes.Update(PathKey::Of(path), [&](NodeRef& record) {
    if (!record.IsUnique()) record = record->Clone();
    before = record->meta();
    fn(record->mutable_meta());
  });
  COORD_INVARIANT(found, "tree.parent_exists", "no node " + path);
  return before;
}

// The parent side of a child's create (+1) or delete (-1), with the parent's index upkeep.
void ChildCountChanged(State& state, const std::string& parent, int delta, uint64_t zxid) {
  Node::Meta after;
  Node::Meta before = UpdateMeta(state, parent, [&](Node::Meta& m) {
    m.num_children += delta;
    m.cversion = Node::Bump(m.cversion);
    m.pzxid = zxid;
    after = m;
  });
  COORD_INVARIANT(after.num_children >= 0, "tree.num_children", parent);
  if (BelongsInTtlIndex(before) != BelongsInTtlIndex(after)) {
    TtlEntry entry{TtlDeadline(after.mtime, after.ttl_ms), parent};
    if (BelongsInTtlIndex(after)) {
      state.ttl_deadlines.Insert(std::move(entry));
    } else {
      state.ttl_deadlines.Erase(TtlKey{entry.deadline_ms, parent});
    }
  }
  if (BelongsInContainerIndex(before) != BelongsInContainerIndex(after)) {
    if (BelongsInContainerIndex(after)) {
      state.empty_containers.Insert(parent);
    } else {
      state.empty_containers.Erase(std::string_view(parent));
    }
  }
}

NodeKind KindOf(CreateMode mode) {
  if (IsEphemeral(mode)) return NodeKind::kEphemeral;
  if (HasTtl(mode)) return NodeKind::kTtl;
  if (mode == CreateMode::kContainer) return NodeKind::kContainer;
  return NodeKind::kPersistent;
}

}  // namespace

const NodeRef* FindNode(const State& state, std::string_view path) {
  return state.nodes.Find(PathKey::Of(path));
}

Result<CreateResult> CreateNode(State& state, const Options& options, const Txn& txn,
                                const CreateRequest& request, EventList* events) {
  const bool sequential = IsSequential(request.mode);
  Status st = sequential ? ValidateSequentialPrefix(request.path, options)
                         : ValidatePath(request.path, options);
  if (!st.ok()) return st;
  if (static_cast<uint8_t>(request.mode) > static_cast<uint8_t>(CreateMode::kPersistentSequentialWithTtl)) {
    return Error(Code::kInvalidArgument, "unknown create mode");
  }
  if (HasTtl(request.mode)) {
    if (request.ttl_ms <= 0 || request.ttl_ms > options.max_node_ttl_ms) {
      return Error(Code::kInvalidArgument, "TTL " + std::to_string(request.ttl_ms) +
                                               " ms outside [1, " +
                                               std::to_string(options.max_node_ttl_ms) + "]");
    }
  } else if (request.ttl_ms != 0) {
    return Error(Code::kInvalidArgument, "a TTL is only allowed with a TTL mode");
  }
  if (IsEphemeral(request.mode) && txn.session_id == 0) {
    return Error(Code::kInvalidArgument, "an ephemeral node needs a session");
  }
  if (st = CheckData(request.data, options); !st.ok()) return st;
  if (!sequential && request.path == kRootPath) {
    return Error(Code::kNodeExists, "the root always exists");
  }

  // A sequential prefix may end in '/' ("/queue/"); its parent is then the prefix itself.
  const std::string parent_path(
      ParentPath(sequential ? request.path + "0" : std::string_view(request.path)));
  const NodeRef* parent = FindNode(state, parent_path);
  if (!parent) return NoNode(parent_path);
  if ((*parent)->kind() == NodeKind::kEphemeral) {
    return Error(Code::kNoChildrenForEphemerals, parent_path + " is ephemeral");
  }
  std::string path = request.path;
  if (sequential) {
    path += SequenceSuffix((*parent)->meta().cversion);
    if (st = ValidatePath(path, options); !st.ok()) return st;  // "-2147483648" is 11 bytes
  }
  if (FindNode(state, path)) return Error(Code::kNodeExists, path + " exists");

  Node::Meta meta;
  meta.czxid = meta.mzxid = meta.pzxid = txn.zxid;
  meta.ctime = meta.mtime = txn.time_ms;
  meta.kind = KindOf(request.mode);
  meta.ephemeral_owner = meta.kind == NodeKind::kEphemeral ? txn.session_id : 0;
  meta.ttl_ms = request.ttl_ms;
  NodeRef node = Node::Make(path, request.data, meta);
  CreateResult result{path, node->stat(), txn.zxid};
  state.nodes.Insert(std::move(node));
  ChildCountChanged(state, parent_path, +1, txn.zxid);

  if (meta.kind == NodeKind::kEphemeral) state.ephemerals.Insert({meta.ephemeral_owner, path});
  if (BelongsInTtlIndex(meta)) {
    state.ttl_deadlines.Insert({TtlDeadline(meta.mtime, meta.ttl_ms), path});
  }
  Emit(events, EventType::kCreated, path, txn.zxid);
  Emit(events, EventType::kChildrenChanged, parent_path, txn.zxid);
  return result;
}

void RemoveNode(State& state, std::string_view path_view, uint64_t zxid, EventList* events) {
  const std::string path(path_view);  // the caller's view may point into the record we drop
  const NodeRef* found = FindNode(state, path);
  COORD_INVARIANT(found, "tree.remove_exists", path);
  const Node::Meta meta = (*found)->meta();
  COORD_INVARIANT(meta.num_children == 0 && path != kRootPath, "tree.remove_leaf", path);

  if (meta.kind == NodeKind::kEphemeral) {
    state.ephemerals.Erase(EphemeralKey{meta.ephemeral_owner, path});
  }
  if (BelongsInTtlIndex(meta)) {
    state.ttl_deadlines.Erase(TtlKey{TtlDeadline(meta.mtime, meta.ttl_ms), path});
  }
  if (BelongsInContainerIndex(meta)) state.empty_containers.Erase(std::string_view(path));
  state.nodes.Erase(PathKey::Of(path));

  const std::string parent_path(ParentPath(path));
  ChildCountChanged(state, parent_path, -1, zxid);
  Emit(events, EventType::kDeleted, path, zxid);
  Emit(events, EventType::kChildrenChanged, parent_path, zxid);
}

Result<DeleteResult> DeleteNode(State& state, const Options& options, const Txn& txn,
                                const DeleteRequest& request, EventList* events) {
  if (Status st = ValidatePath(request.path, options); !st.ok()) return st;
  if (request.path == kRootPath) return Error(Code::kInvalidArgument, "cannot delete the root");
  const NodeRef* found = FindNode(state, request.path);
  if (!found) return NoNode(request.path);
  if (Status st = CheckVersion(**found, request.expected_version); !st.ok()) return st;
  if ((*found)->meta().num_children > 0) {
    return Error(Code::kNotEmpty, request.path + " has " +
                                      std::to_string((*found)->meta().num_children) +
                                      " children");
  }
  RemoveNode(state, request.path, txn.zxid, events);
  return DeleteResult{txn.zxid};
}

Result<SetDataResult> SetNodeData(State& state, const Options& options, const Txn& txn,
                                  const SetDataRequest& request, EventList* events) {
  if (Status st = ValidatePath(request.path, options); !st.ok()) return st;
  if (Status st = CheckData(request.data, options); !st.ok()) return st;
  const NodeRef* found = FindNode(state, request.path);
  if (!found) return NoNode(request.path);
  if (Status st = CheckVersion(**found, request.expected_version); !st.ok()) return st;

  const Node::Meta before = (*found)->meta();
  Node::Meta meta = before;
  meta.mzxid = txn.zxid;
  meta.mtime = txn.time_ms;
  meta.version = Node::Bump(meta.version);
  NodeRef fresh = (*found)->WithData(request.data, meta);
  SetDataResult result{fresh->stat(), txn.zxid};
  state.nodes.Insert(std::move(fresh));  // replaces the old record
  if (BelongsInTtlIndex(meta)) {  // a TTL node's clock restarts at every change
    state.ttl_deadlines.Erase(TtlKey{TtlDeadline(before.mtime, before.ttl_ms), request.path});
    state.ttl_deadlines.Insert({TtlDeadline(meta.mtime, meta.ttl_ms), request.path});
  }
  Emit(events, EventType::kDataChanged, request.path, txn.zxid);
  return result;
}

Status CheckNode(const State& state, const Options& options, const CheckRequest& request) {
  if (Status st = ValidatePath(request.path, options); !st.ok()) return st;
  const NodeRef* found = FindNode(state, request.path);
  if (!found) return NoNode(request.path);
  return CheckVersion(**found, request.expected_version);
}

Status ReapNode(State& state, const Options& options, const Txn& txn, const ReapRequest& request,
                EventList* events) {
  if (Status st = ValidatePath(request.path, options); !st.ok()) return st;
  if (request.path == kRootPath) return Error(Code::kInvalidArgument, "cannot delete the root");
  const NodeRef* found = FindNode(state, request.path);
  if (!found) return NoNode(request.path);
  const Node::Meta& m = (*found)->meta();
  if (request.kind == ReapKind::kTtl) {
    if (m.kind != NodeKind::kTtl) return Error(Code::kInvalidArgument, "not a TTL node");
    if (m.mzxid != request.expected_mzxid) {
      return Error(Code::kBadVersion, "modified since the reaper's decision");
    }
    if (m.num_children > 0) return Error(Code::kNotEmpty, "has children");
    if (txn.time_ms < TtlDeadline(m.mtime, m.ttl_ms)) {
      return Error(Code::kBadVersion, "TTL not yet run out");
    }
  } else if (request.kind == ReapKind::kContainer) {
    if (m.kind != NodeKind::kContainer) return Error(Code::kInvalidArgument, "not a container");
    if (m.num_children > 0) return Error(Code::kNotEmpty, "has children");
    if (m.cversion == 0) return Error(Code::kBadVersion, "never had children");
  } else {
    return Error(Code::kInvalidArgument, "unknown reap kind");
  }
  RemoveNode(state, request.path, txn.zxid, events);
  return Status::Ok();
}

}  // namespace coord::store
