#include "coord/store.h"

#include <string>
#include <variant>

#include "coord/reads.h"
#include "coord/session_ops.h"
#include "coord/tree_ops.h"
#include "raft/invariant.h"

namespace coord::store {

Store::Store(Options options) : options_(options), state_(State::Empty()) {}

void Store::Begin(const Txn& txn) {
  COORD_INVARIANT(txn.zxid > state_.zxid, "store.zxid_increases",
                  "zxid " + std::to_string(txn.zxid) + " after " + std::to_string(state_.zxid));
  events_.clear();
}

void Store::Finish(const Txn& txn, bool ok) {
  state_.zxid = txn.zxid;
  if (ok && listener_ && !events_.empty()) listener_(events_);
  events_.clear();
}

void Store::Advance(uint64_t zxid) {
  Txn txn;
  txn.zxid = zxid;
  Begin(txn);
  Finish(txn, true);
}

Status Store::CheckSession(const Txn& txn) const {
  if (txn.session_id != 0 && !FindSession(state_, txn.session_id)) {
    return Error(Code::kSessionExpired, "no session " + std::to_string(txn.session_id));
  }
  return Status::Ok();
}

Result<CreateResult> Store::Create(const Txn& txn, const CreateRequest& request) {
  Begin(txn);
  Status st = CheckSession(txn);
  Result<CreateResult> r =
      st.ok() ? CreateNode(state_, options_, txn, request, events()) : Result<CreateResult>(st);
  Finish(txn, r.ok());
  return r;
}

Result<DeleteResult> Store::Delete(const Txn& txn, const DeleteRequest& request) {
  Begin(txn);
  Status st = CheckSession(txn);
  Result<DeleteResult> r =
      st.ok() ? DeleteNode(state_, options_, txn, request, events()) : Result<DeleteResult>(st);
  Finish(txn, r.ok());
  return r;
}

Result<SetDataResult> Store::SetData(const Txn& txn, const SetDataRequest& request) {
  Begin(txn);
  Status st = CheckSession(txn);
  Result<SetDataResult> r = st.ok() ? SetNodeData(state_, options_, txn, request, events())
                                    : Result<SetDataResult>(st);
  Finish(txn, r.ok());
  return r;
}

Result<MultiResult> Store::Multi(const Txn& txn, const MultiRequest& request) {
  Begin(txn);
  Result<MultiResult> r = RunMulti(txn, request);
  Finish(txn, r.ok());
  return r;
}

Result<MultiResult> Store::RunMulti(const Txn& txn, const MultiRequest& request) {
  if (Status st = CheckSession(txn); !st.ok()) return st;
  if (request.ops.size() > options_.max_multi_ops) {
    return Error(Code::kInvalidArgument, std::to_string(request.ops.size()) +
                                             " ops in a multi, limit " +
                                             std::to_string(options_.max_multi_ops));
  }
  // Rollback is restoring this copy: O(1) to take, and it makes every op below copy the
  // nodes it changes rather than change them in place.
  State before = state_;
  MultiResult out;
  out.zxid = txn.zxid;
  out.results.reserve(request.ops.size());
  for (size_t i = 0; i < request.ops.size(); ++i) {
    Status failure = std::visit(
        [&](const auto& op) -> Status {
          using T = std::decay_t<decltype(op)>;
          if constexpr (std::is_same_v<T, CheckRequest>) {
            Status st = CheckNode(state_, options_, op);
            if (st.ok()) out.results.emplace_back(CheckResult{});
            return st;
          } else if constexpr (std::is_same_v<T, CreateRequest>) {
            auto r = CreateNode(state_, options_, txn, op, events());
            if (!r.ok()) return r.status();
            out.results.emplace_back(std::move(r).value());
            return Status::Ok();
          } else if constexpr (std::is_same_v<T, SetDataRequest>) {
            auto r = SetNodeData(state_, options_, txn, op, events());
            if (!r.ok()) return r.status();
            out.results.emplace_back(std::move(r).value());
            return Status::Ok();
          } else {
            auto r = DeleteNode(state_, options_, txn, op, events());
            if (!r.ok()) return r.status();
            out.results.emplace_back(std::move(r).value());
            return Status::Ok();
          }
        },
        request.ops[i]);
    if (!failure.ok()) {
      state_ = std::move(before);
      events_.clear();
      return failure.set_failed_op(static_cast<int>(i));
    }
  }
  return out;
}

Result<OpenSessionResult> Store::OpenSession(const Txn& txn, const OpenSessionRequest& request) {
  Begin(txn);
  Result<OpenSessionResult> r = store::OpenSession(state_, options_, txn, request);
  Finish(txn, r.ok());
  return r;
}

Result<SessionEndResult> Store::CloseSession(const Txn& txn, const CloseSessionRequest& request) {
  Begin(txn);
  Result<SessionEndResult> r = EndSession(state_, txn, request.session_id, events());
  Finish(txn, r.ok());
  return r;
}

Result<SessionEndResult> Store::ExpireSession(const Txn& txn,
                                              const ExpireSessionRequest& request) {
  Begin(txn);
  Result<SessionEndResult> r = EndSession(state_, txn, request.session_id, events());
  Finish(txn, r.ok());
  return r;
}

Status Store::Reap(const Txn& txn, const ReapRequest& request) {
  Begin(txn);
  Status st = CheckSession(txn);
  if (st.ok()) st = ReapNode(state_, options_, txn, request, events());
  Finish(txn, st.ok());
  return st;
}

SyncResult Store::Sync(const Txn& txn) {
  Begin(txn);
  Finish(txn, true);
  return SyncResult{txn.zxid};
}

void Store::CacheResponse(uint64_t session_id, uint64_t request_id, std::string response) {
  store::CacheResponse(state_, options_, session_id, request_id, std::move(response));
}

Result<GetResult> Store::Get(std::string_view path) const {
  return GetNode(state_, options_, path);
}

Result<std::optional<Stat>> Store::Exists(std::string_view path) const {
  return ExistsNode(state_, options_, path);
}

Result<ChildrenResult> Store::Children(std::string_view path, bool with_stats) const {
  return ListChildren(state_, options_, path, with_stats);
}

std::optional<Session> Store::GetSession(uint64_t session_id) const {
  const Session* s = FindSession(state_, session_id);
  return s ? std::optional<Session>(*s) : std::nullopt;
}

}  // namespace coord::store
