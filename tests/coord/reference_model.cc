#include "reference_model.h"

#include <algorithm>
#include <sstream>

#include "coord/path.h"

namespace coord::store::testing {
namespace {

int32_t Inc(int32_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v) + 1u); }
Status Fail(Code c) { return Status(c, "model"); }

}  // namespace

ReferenceModel::ReferenceModel(Options options) : options_(options) { nodes_["/"] = MNode{}; }

std::vector<std::string> ReferenceModel::ChildNames(const std::string& path) const {
  std::vector<std::string> out;
  for (const auto& [p, n] : nodes_) {
    if (p != "/" && ParentPath(p) == path) out.emplace_back(BaseName(p));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Stat ReferenceModel::StatOf(const std::string& path) const {
  const MNode& n = nodes_.at(path);
  Stat s = n.stat;
  s.data_length = static_cast<uint32_t>(n.data.size());
  s.num_children = static_cast<int32_t>(ChildNames(path).size());
  return s;
}

Status ReferenceModel::CheckSessionOf(const Txn& txn) const {
  if (txn.session_id != 0 && !sessions_.count(txn.session_id)) return Fail(Code::kSessionExpired);
  return Status::Ok();
}

Result<CreateResult> ReferenceModel::DoCreate(const Txn& txn, const CreateRequest& r) {
  const bool seq = IsSequential(r.mode);
  if (!(seq ? ValidateSequentialPrefix(r.path, options_) : ValidatePath(r.path, options_)).ok()) {
    return Fail(Code::kInvalidPath);
  }
  if (static_cast<int>(r.mode) > 6) return Fail(Code::kInvalidArgument);
  if (HasTtl(r.mode) ? (r.ttl_ms <= 0 || r.ttl_ms > options_.max_node_ttl_ms) : r.ttl_ms != 0) {
    return Fail(Code::kInvalidArgument);
  }
  if (IsEphemeral(r.mode) && txn.session_id == 0) return Fail(Code::kInvalidArgument);
  if (r.data.size() > options_.max_data_bytes) return Fail(Code::kDataTooLarge);
  if (!seq && r.path == "/") return Fail(Code::kNodeExists);
  const std::string parent(ParentPath(seq ? r.path + "0" : r.path));
  auto p = nodes_.find(parent);
  if (p == nodes_.end()) return Fail(Code::kNoNode);
  if (p->second.kind == NodeKind::kEphemeral) return Fail(Code::kNoChildrenForEphemerals);
  std::string path = r.path;
  if (seq) {
    path += SequenceSuffix(p->second.stat.cversion);
    if (!ValidatePath(path, options_).ok()) return Fail(Code::kInvalidPath);
  }
  if (nodes_.count(path)) return Fail(Code::kNodeExists);
  MNode n;
  n.data = r.data;
  n.stat.czxid = n.stat.mzxid = n.stat.pzxid = txn.zxid;
  n.stat.ctime = n.stat.mtime = txn.time_ms;
  n.kind = IsEphemeral(r.mode)            ? NodeKind::kEphemeral
           : HasTtl(r.mode)               ? NodeKind::kTtl
           : r.mode == CreateMode::kContainer ? NodeKind::kContainer
                                          : NodeKind::kPersistent;
  n.stat.ephemeral_owner = IsEphemeral(r.mode) ? txn.session_id : 0;
  n.ttl_ms = r.ttl_ms;
  nodes_[path] = n;
  p->second.stat.cversion = Inc(p->second.stat.cversion);
  p->second.stat.pzxid = txn.zxid;
  return CreateResult{path, StatOf(path), txn.zxid};
}

void ReferenceModel::Remove(const std::string& path, uint64_t zxid) {
  nodes_.erase(path);
  MNode& parent = nodes_.at(std::string(ParentPath(path)));
  parent.stat.cversion = Inc(parent.stat.cversion);
  parent.stat.pzxid = zxid;
}

Result<DeleteResult> ReferenceModel::DoDelete(const Txn& txn, const DeleteRequest& r) {
  if (!ValidatePath(r.path, options_).ok()) return Fail(Code::kInvalidPath);
  if (r.path == "/") return Fail(Code::kInvalidArgument);
  auto it = nodes_.find(r.path);
  if (it == nodes_.end()) return Fail(Code::kNoNode);
  if (r.expected_version && *r.expected_version != it->second.stat.version) {
    return Fail(Code::kBadVersion);
  }
  if (!ChildNames(r.path).empty()) return Fail(Code::kNotEmpty);
  Remove(r.path, txn.zxid);
  return DeleteResult{txn.zxid};
}

Result<SetDataResult> ReferenceModel::DoSet(const Txn& txn, const SetDataRequest& r) {
  if (!ValidatePath(r.path, options_).ok()) return Fail(Code::kInvalidPath);
  if (r.data.size() > options_.max_data_bytes) return Fail(Code::kDataTooLarge);
  auto it = nodes_.find(r.path);
  if (it == nodes_.end()) return Fail(Code::kNoNode);
  if (r.expected_version && *r.expected_version != it->second.stat.version) {
    return Fail(Code::kBadVersion);
  }
  it->second.data = r.data;
  it->second.stat.mzxid = txn.zxid;
  it->second.stat.mtime = txn.time_ms;
  it->second.stat.version = Inc(it->second.stat.version);
  return SetDataResult{StatOf(r.path), txn.zxid};
}

Status ReferenceModel::DoCheck(const CheckRequest& r) const {
  if (!ValidatePath(r.path, options_).ok()) return Fail(Code::kInvalidPath);
  auto it = nodes_.find(r.path);
  if (it == nodes_.end()) return Fail(Code::kNoNode);
  if (r.expected_version && *r.expected_version != it->second.stat.version) {
    return Fail(Code::kBadVersion);
  }
  return Status::Ok();
}

Result<CreateResult> ReferenceModel::Create(const Txn& txn, const CreateRequest& r) {
  zxid_ = txn.zxid;
  if (Status st = CheckSessionOf(txn); !st.ok()) return st;
  return DoCreate(txn, r);
}
Result<DeleteResult> ReferenceModel::Delete(const Txn& txn, const DeleteRequest& r) {
  zxid_ = txn.zxid;
  if (Status st = CheckSessionOf(txn); !st.ok()) return st;
  return DoDelete(txn, r);
}
Result<SetDataResult> ReferenceModel::SetData(const Txn& txn, const SetDataRequest& r) {
  zxid_ = txn.zxid;
  if (Status st = CheckSessionOf(txn); !st.ok()) return st;
  return DoSet(txn, r);
}

Result<MultiResult> ReferenceModel::Multi(const Txn& txn, const MultiRequest& r) {
  zxid_ = txn.zxid;
  if (Status st = CheckSessionOf(txn); !st.ok()) return st;
  if (r.ops.size() > options_.max_multi_ops) return Fail(Code::kInvalidArgument);
  const auto saved = nodes_;
  MultiResult out;
  out.zxid = txn.zxid;
  for (size_t i = 0; i < r.ops.size(); ++i) {
    Status failure;
    if (auto* c = std::get_if<CheckRequest>(&r.ops[i])) {
      failure = DoCheck(*c);
      if (failure.ok()) out.results.emplace_back(CheckResult{});
    } else if (auto* cr = std::get_if<CreateRequest>(&r.ops[i])) {
      auto x = DoCreate(txn, *cr);
      if (x.ok()) out.results.emplace_back(*x); else failure = x.status();
    } else if (auto* s = std::get_if<SetDataRequest>(&r.ops[i])) {
      auto x = DoSet(txn, *s);
      if (x.ok()) out.results.emplace_back(*x); else failure = x.status();
    } else {
      auto x = DoDelete(txn, std::get<DeleteRequest>(r.ops[i]));
      if (x.ok()) out.results.emplace_back(*x); else failure = x.status();
    }
    if (!failure.ok()) {
      nodes_ = saved;
      return failure.set_failed_op(static_cast<int>(i));
    }
  }
  // Results carry the stats as of the end of their own op, as the store's do.
  return out;
}

Result<OpenSessionResult> ReferenceModel::OpenSession(const Txn& txn, const OpenSessionRequest& r) {
  zxid_ = txn.zxid;
  int64_t ttl = std::min(std::max(r.ttl_ms, options_.min_session_ttl_ms), options_.max_session_ttl_ms);
  sessions_[txn.zxid] = MSession{ttl, txn.time_ms};
  return OpenSessionResult{txn.zxid, ttl, txn.zxid};
}

Result<SessionEndResult> ReferenceModel::EndSession(const Txn& txn, uint64_t id) {
  zxid_ = txn.zxid;
  if (!sessions_.count(id)) return Fail(Code::kSessionExpired);
  SessionEndResult out;
  out.zxid = txn.zxid;
  for (const auto& [p, n] : nodes_) {
    if (n.kind == NodeKind::kEphemeral && n.stat.ephemeral_owner == id) out.deleted.push_back(p);
  }
  for (const std::string& p : out.deleted) Remove(p, txn.zxid);
  sessions_.erase(id);
  return out;
}

Status ReferenceModel::Reap(const Txn& txn, const ReapRequest& r) {
  zxid_ = txn.zxid;
  if (Status st = CheckSessionOf(txn); !st.ok()) return st;
  if (!ValidatePath(r.path, options_).ok()) return Fail(Code::kInvalidPath);
  if (r.path == "/") return Fail(Code::kInvalidArgument);
  auto it = nodes_.find(r.path);
  if (it == nodes_.end()) return Fail(Code::kNoNode);
  const MNode& n = it->second;
  const bool childless = ChildNames(r.path).empty();
  if (r.kind == ReapKind::kTtl) {
    if (n.kind != NodeKind::kTtl) return Fail(Code::kInvalidArgument);
    if (n.stat.mzxid != r.expected_mzxid) return Fail(Code::kBadVersion);
    if (!childless) return Fail(Code::kNotEmpty);
    if (txn.time_ms < n.stat.mtime + n.ttl_ms) return Fail(Code::kBadVersion);
  } else if (r.kind == ReapKind::kContainer) {
    if (n.kind != NodeKind::kContainer) return Fail(Code::kInvalidArgument);
    if (!childless) return Fail(Code::kNotEmpty);
    if (n.stat.cversion == 0) return Fail(Code::kBadVersion);
  } else {
    return Fail(Code::kInvalidArgument);
  }
  Remove(r.path, txn.zxid);
  return Status::Ok();
}

Result<GetResult> ReferenceModel::Get(const std::string& path) const {
  if (!ValidatePath(path, options_).ok()) return Fail(Code::kInvalidPath);
  auto it = nodes_.find(path);
  if (it == nodes_.end()) return Fail(Code::kNoNode);
  return GetResult{it->second.data, StatOf(path)};
}

Result<ChildrenResult> ReferenceModel::Children(const std::string& path) const {
  if (!ValidatePath(path, options_).ok()) return Fail(Code::kInvalidPath);
  if (!nodes_.count(path)) return Fail(Code::kNoNode);
  ChildrenResult out;
  out.names = ChildNames(path);
  out.stat = StatOf(path);
  return out;
}

std::map<std::string, int> ReferenceModel::ChildCounts() const {
  std::map<std::string, int> counts;
  for (const auto& [p, n] : nodes_) {
    if (p != "/") ++counts[std::string(ParentPath(p))];
  }
  return counts;
}

std::vector<std::string> ReferenceModel::Due(int64_t now) const {
  std::vector<std::string> out;
  const std::map<std::string, int> counts = ChildCounts();
  for (const auto& [p, n] : nodes_) {
    if (counts.count(p)) continue;
    if (n.kind == NodeKind::kTtl && n.stat.mtime + n.ttl_ms <= now) out.push_back("ttl " + p);
    if (n.kind == NodeKind::kContainer && n.stat.cversion != 0) out.push_back("container " + p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> ReferenceModel::Paths() const {
  std::vector<std::string> out;
  for (const auto& [p, n] : nodes_) out.push_back(p);
  return out;
}

std::string ReferenceModel::Dump() const {
  // The store's order: by (parent, name).
  std::vector<std::string> paths = Paths();
  std::sort(paths.begin(), paths.end(), [](const std::string& a, const std::string& b) {
    return ComparePathKeys(PathKey::Of(a), PathKey::Of(b)) < 0;
  });
  const std::map<std::string, int> counts = ChildCounts();
  std::ostringstream out;
  for (const std::string& p : paths) {
    const MNode& n = nodes_.at(p);
    Stat s = n.stat;
    s.data_length = static_cast<uint32_t>(n.data.size());
    s.num_children = counts.count(p) ? counts.at(p) : 0;
    out << p << " data=" << n.data << " czxid=" << s.czxid << " mzxid=" << s.mzxid
        << " pzxid=" << s.pzxid << " ctime=" << s.ctime << " mtime=" << s.mtime
        << " version=" << s.version << " cversion=" << s.cversion
        << " owner=" << s.ephemeral_owner << " children=" << s.num_children
        << " kind=" << static_cast<int>(n.kind) << " ttl=" << n.ttl_ms << "\n";
  }
  for (const auto& [id, s] : sessions_) {
    out << "session " << id << " ttl=" << s.ttl_ms << " cached=0 floor=0\n";
  }
  return out.str();
}

}  // namespace coord::store::testing
