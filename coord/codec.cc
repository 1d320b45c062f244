#include "coord/codec.h"

namespace coord::store {
namespace {

// A value no enumerator has: the store rejects it as an unknown mode or kind.
constexpr uint8_t kUnknownEnum = 0xff;

pb::Command WithHeader(const CommandHeader& h) {
  pb::Command c;
  c.set_time_ms(h.time_ms);
  c.set_session_id(h.session_id);
  c.set_request_id(h.request_id);
  return c;
}

void Fill(const CreateRequest& r, pb::CreateOp* op) {
  op->set_path(r.path);
  op->set_data(r.data);
  op->set_mode(static_cast<pb::CreateMode>(r.mode));
  op->set_ttl_ms(r.ttl_ms);
}
void Fill(const DeleteRequest& r, pb::DeleteOp* op) {
  op->set_path(r.path);
  if (r.expected_version) op->set_expected_version(*r.expected_version);
}
void Fill(const SetDataRequest& r, pb::SetDataOp* op) {
  op->set_path(r.path);
  op->set_data(r.data);
  if (r.expected_version) op->set_expected_version(*r.expected_version);
}
void Fill(const CheckRequest& r, pb::CheckOp* op) {
  op->set_path(r.path);
  if (r.expected_version) op->set_expected_version(*r.expected_version);
}

Code CodeFromProto(pb::ErrorCode code) {
  int v = static_cast<int>(code);
  if (v < 0 || v > static_cast<int>(Code::kStaleRequest)) return Code::kInvalidCommand;
  return static_cast<Code>(v);
}

template <typename T>
Result<T> Check(const pb::Response& response, pb::Response::ResultCase expected) {
  Status st = StatusOf(response);
  if (!st.ok()) return st;
  if (expected != pb::Response::RESULT_NOT_SET && response.result_case() != expected) {
    return Error(Code::kInvalidCommand, "response carries the wrong result");
  }
  return T{};
}

CreateResult CreateFromProto(const pb::CreateResult& r, uint64_t zxid) {
  return CreateResult{r.path(), FromProto(r.stat()), zxid};
}

}  // namespace

pb::Command MakeCommand(const CommandHeader& h, const CreateRequest& r) {
  pb::Command c = WithHeader(h);
  Fill(r, c.mutable_create());
  return c;
}
pb::Command MakeCommand(const CommandHeader& h, const DeleteRequest& r) {
  pb::Command c = WithHeader(h);
  Fill(r, c.mutable_delete_node());
  return c;
}
pb::Command MakeCommand(const CommandHeader& h, const SetDataRequest& r) {
  pb::Command c = WithHeader(h);
  Fill(r, c.mutable_set_data());
  return c;
}
pb::Command MakeCommand(const CommandHeader& h, const MultiRequest& r) {
  pb::Command c = WithHeader(h);
  pb::MultiOp* m = c.mutable_multi();
  for (const Op& op : r.ops) {
    pb::Op* out = m->add_ops();
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, CheckRequest>) Fill(x, out->mutable_check());
          if constexpr (std::is_same_v<T, CreateRequest>) Fill(x, out->mutable_create());
          if constexpr (std::is_same_v<T, SetDataRequest>) Fill(x, out->mutable_set_data());
          if constexpr (std::is_same_v<T, DeleteRequest>) Fill(x, out->mutable_delete_node());
        },
        op);
  }
  return c;
}
pb::Command MakeCommand(const CommandHeader& h, const OpenSessionRequest& r) {
  pb::Command c = WithHeader(h);
  c.mutable_open_session()->set_ttl_ms(r.ttl_ms);
  return c;
}
pb::Command MakeCommand(const CommandHeader& h, const CloseSessionRequest& r) {
  pb::Command c = WithHeader(h);
  c.mutable_close_session()->set_session_id(r.session_id);
  return c;
}
pb::Command MakeCommand(const CommandHeader& h, const ExpireSessionRequest& r) {
  pb::Command c = WithHeader(h);
  c.mutable_expire_session()->set_session_id(r.session_id);
  return c;
}
pb::Command MakeCommand(const CommandHeader& h, const ReapRequest& r) {
  pb::Command c = WithHeader(h);
  pb::ReapOp* op = c.mutable_reap();
  op->set_path(r.path);
  op->set_kind(static_cast<pb::ReapKind>(r.kind));
  op->set_expected_mzxid(r.expected_mzxid);
  return c;
}
pb::Command MakeSyncCommand(const CommandHeader& h) {
  pb::Command c = WithHeader(h);
  c.mutable_sync();
  return c;
}

CreateRequest FromProto(const pb::CreateOp& op) {
  CreateRequest r;
  r.path = op.path();
  r.data = op.data();
  int mode = static_cast<int>(op.mode());
  bool known = mode >= 0 && mode <= static_cast<int>(CreateMode::kPersistentSequentialWithTtl);
  r.mode = static_cast<CreateMode>(known ? mode : kUnknownEnum);
  r.ttl_ms = op.ttl_ms();
  return r;
}
DeleteRequest FromProto(const pb::DeleteOp& op) {
  DeleteRequest r;
  r.path = op.path();
  if (op.has_expected_version()) r.expected_version = op.expected_version();
  return r;
}
SetDataRequest FromProto(const pb::SetDataOp& op) {
  SetDataRequest r;
  r.path = op.path();
  r.data = op.data();
  if (op.has_expected_version()) r.expected_version = op.expected_version();
  return r;
}
CheckRequest FromProto(const pb::CheckOp& op) {
  CheckRequest r;
  r.path = op.path();
  if (op.has_expected_version()) r.expected_version = op.expected_version();
  return r;
}
Result<MultiRequest> FromProto(const pb::MultiOp& op) {
  MultiRequest r;
  r.ops.reserve(op.ops_size());
  for (int i = 0; i < op.ops_size(); ++i) {
    const pb::Op& o = op.ops(i);
    switch (o.op_case()) {
      case pb::Op::kCheck: r.ops.emplace_back(FromProto(o.check())); break;
      case pb::Op::kCreate: r.ops.emplace_back(FromProto(o.create())); break;
      case pb::Op::kSetData: r.ops.emplace_back(FromProto(o.set_data())); break;
      case pb::Op::kDeleteNode: r.ops.emplace_back(FromProto(o.delete_node())); break;
      case pb::Op::OP_NOT_SET:
        return Error(Code::kInvalidCommand, "multi op has no operation").set_failed_op(i);
    }
  }
  return r;
}
ReapRequest FromProto(const pb::ReapOp& op) {
  ReapRequest r;
  r.path = op.path();
  int kind = static_cast<int>(op.kind());
  r.kind = static_cast<ReapKind>(kind == 0 || kind == 1 ? kind : kUnknownEnum);
  r.expected_mzxid = op.expected_mzxid();
  return r;
}

void ToProto(const Stat& s, pb::Stat* out) {
  out->set_czxid(s.czxid);
  out->set_mzxid(s.mzxid);
  out->set_pzxid(s.pzxid);
  out->set_ctime(s.ctime);
  out->set_mtime(s.mtime);
  out->set_version(s.version);
  out->set_cversion(s.cversion);
  out->set_ephemeral_owner(s.ephemeral_owner);
  out->set_data_length(s.data_length);
  out->set_num_children(s.num_children);
}

Stat FromProto(const pb::Stat& s) {
  Stat out;
  out.czxid = s.czxid();
  out.mzxid = s.mzxid();
  out.pzxid = s.pzxid();
  out.ctime = s.ctime();
  out.mtime = s.mtime();
  out.version = s.version();
  out.cversion = s.cversion();
  out.ephemeral_owner = s.ephemeral_owner();
  out.data_length = s.data_length();
  out.num_children = s.num_children();
  return out;
}

void SetStatus(const Status& status, pb::Response* out) {
  out->set_code(static_cast<pb::ErrorCode>(status.code()));
  if (!status.ok()) out->set_message(status.message());
  if (status.failed_op() >= 0) out->set_failed_op(status.failed_op());
}

void SetResult(const CreateResult& r, pb::Response* out) {
  out->mutable_create()->set_path(r.path);
  ToProto(r.stat, out->mutable_create()->mutable_stat());
}
void SetResult(const SetDataResult& r, pb::Response* out) {
  ToProto(r.stat, out->mutable_set_data()->mutable_stat());
}
void SetResult(const MultiResult& r, pb::Response* out) {
  pb::MultiResult* m = out->mutable_multi();
  for (const OpResult& result : r.results) {
    pb::OpResult* o = m->add_results();
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, CheckResult>) o->set_check(true);
          if constexpr (std::is_same_v<T, DeleteResult>) o->set_delete_node(true);
          if constexpr (std::is_same_v<T, CreateResult>) {
            o->mutable_create()->set_path(x.path);
            ToProto(x.stat, o->mutable_create()->mutable_stat());
          }
          if constexpr (std::is_same_v<T, SetDataResult>) {
            ToProto(x.stat, o->mutable_set_data()->mutable_stat());
          }
        },
        result);
  }
}
void SetResult(const OpenSessionResult& r, pb::Response* out) {
  out->mutable_open_session()->set_session_id(r.session_id);
  out->mutable_open_session()->set_ttl_ms(r.ttl_ms);
}
void SetResult(const SessionEndResult& r, pb::Response* out) {
  pb::SessionEndResult* end = out->mutable_session_end();  // present even when empty
  for (const std::string& path : r.deleted) end->add_deleted(path);
}

Status StatusOf(const pb::Response& response) {
  Code code = CodeFromProto(response.code());
  if (code == Code::kOk) return Status::Ok();
  Status st(code, response.message());
  if (response.has_failed_op()) st.set_failed_op(response.failed_op());
  return st;
}

Result<CreateResult> CreateResultOf(const pb::Response& response) {
  auto r = Check<CreateResult>(response, pb::Response::kCreate);
  if (!r.ok()) return r;
  return CreateFromProto(response.create(), response.zxid());
}

Result<DeleteResult> DeleteResultOf(const pb::Response& response) {
  auto r = Check<DeleteResult>(response, pb::Response::RESULT_NOT_SET);
  if (r.ok()) r->zxid = response.zxid();
  return r;
}

Result<SetDataResult> SetDataResultOf(const pb::Response& response) {
  auto r = Check<SetDataResult>(response, pb::Response::kSetData);
  if (r.ok()) *r = SetDataResult{FromProto(response.set_data().stat()), response.zxid()};
  return r;
}

Result<MultiResult> MultiResultOf(const pb::Response& response) {
  auto r = Check<MultiResult>(response, pb::Response::kMulti);
  if (!r.ok()) return r;
  r->zxid = response.zxid();
  for (const pb::OpResult& o : response.multi().results()) {
    switch (o.result_case()) {
      case pb::OpResult::kCreate:
        r->results.emplace_back(CreateFromProto(o.create(), response.zxid()));
        break;
      case pb::OpResult::kSetData:
        r->results.emplace_back(SetDataResult{FromProto(o.set_data().stat()), response.zxid()});
        break;
      case pb::OpResult::kCheck: r->results.emplace_back(CheckResult{}); break;
      case pb::OpResult::kDeleteNode:
        r->results.emplace_back(DeleteResult{response.zxid()});
        break;
      case pb::OpResult::RESULT_NOT_SET:
        return Error(Code::kInvalidCommand, "multi result without a payload");
    }
  }
  return r;
}

Result<OpenSessionResult> OpenSessionResultOf(const pb::Response& response) {
  auto r = Check<OpenSessionResult>(response, pb::Response::kOpenSession);
  if (r.ok()) {
    *r = OpenSessionResult{response.open_session().session_id(),
                           response.open_session().ttl_ms(), response.zxid()};
  }
  return r;
}

Result<SessionEndResult> SessionEndResultOf(const pb::Response& response) {
  auto r = Check<SessionEndResult>(response, pb::Response::kSessionEnd);
  if (!r.ok()) return r;
  r->zxid = response.zxid();
  for (const std::string& path : response.session_end().deleted()) r->deleted.push_back(path);
  return r;
}

Result<SyncResult> SyncResultOf(const pb::Response& response) {
  auto r = Check<SyncResult>(response, pb::Response::RESULT_NOT_SET);
  if (r.ok()) r->zxid = response.zxid();
  return r;
}

}  // namespace coord::store
