#include "coord/state_machine.h"

#include "coord/codec.h"
#include "coord/snapshot_reader.h"
#include "coord/snapshot_writer.h"

namespace coord::store {
namespace {

// Sets the response from a typed result, the payload only when the write succeeded.
template <typename T>
void Answer(const Result<T>& r, pb::Response* out) {
  SetStatus(r.status(), out);
  if (r.ok()) SetResult(r.value(), out);
}

// Writes that act for a session and may be retried: the ones the dedup table answers.
bool Deduplicable(const pb::Command& c) {
  switch (c.op_case()) {
    case pb::Command::kCreate:
    case pb::Command::kDeleteNode:
    case pb::Command::kSetData:
    case pb::Command::kMulti:
      return c.session_id() != 0 && c.request_id() != 0;
    default:
      return false;
  }
}

std::string Refuse(Code code, const std::string& message, uint64_t zxid) {
  pb::Response r;
  SetStatus(Status(code, message), &r);
  r.set_zxid(zxid);
  return r.SerializeAsString();
}

}  // namespace

std::string StoreStateMachine::Apply(uint64_t index, std::string_view bytes) {
  if (bytes.empty()) {
    store_.Advance(index);
    return {};
  }
  pb::Command command;
  if (!command.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    store_.Advance(index);
    return Refuse(Code::kInvalidCommand, "undecodable command", index);
  }
  const bool dedup = Deduplicable(command);
  if (dedup) {
    DedupVerdict v = store_.CheckDedup(command.session_id(), command.request_id());
    if (v.kind == DedupVerdict::Kind::kReplay) {
      store_.Advance(index);
      return *v.cached;
    }
    if (v.kind == DedupVerdict::Kind::kStale) {
      store_.Advance(index);
      return Refuse(Code::kStaleRequest,
                    "request " + std::to_string(command.request_id()) +
                        " is older than the retained responses of its session",
                    index);
    }
  }
  const Txn txn{index, command.time_ms(), command.session_id()};
  pb::Response response = Execute(txn, command);
  response.set_zxid(index);
  std::string encoded = response.SerializeAsString();
  // The session may be gone (expired before this write): then nothing is cached, and a retry
  // fails the same way.
  if (dedup && store_.GetSession(command.session_id())) {
    store_.CacheResponse(command.session_id(), command.request_id(), encoded);
  }
  return encoded;
}

pb::Response StoreStateMachine::Execute(const Txn& txn, const pb::Command& c) {
  pb::Response out;
  switch (c.op_case()) {
    case pb::Command::kCreate:
      Answer(store_.Create(txn, FromProto(c.create())), &out);
      break;
    case pb::Command::kDeleteNode: {
      auto r = store_.Delete(txn, FromProto(c.delete_node()));
      SetStatus(r.status(), &out);
      break;
    }
    case pb::Command::kSetData:
      Answer(store_.SetData(txn, FromProto(c.set_data())), &out);
      break;
    case pb::Command::kMulti: {
      Result<MultiRequest> request = FromProto(c.multi());
      if (!request.ok()) {
        store_.Advance(txn.zxid);
        SetStatus(request.status(), &out);
      } else {
        Answer(store_.Multi(txn, *request), &out);
      }
      break;
    }
    case pb::Command::kOpenSession:
      Answer(store_.OpenSession(txn, OpenSessionRequest{c.open_session().ttl_ms()}), &out);
      break;
    case pb::Command::kCloseSession:
      Answer(store_.CloseSession(txn, CloseSessionRequest{c.close_session().session_id()}),
             &out);
      break;
    case pb::Command::kExpireSession:
      Answer(store_.ExpireSession(txn, ExpireSessionRequest{c.expire_session().session_id()}),
             &out);
      break;
    case pb::Command::kReap:
      SetStatus(store_.Reap(txn, FromProto(c.reap())), &out);
      break;
    case pb::Command::kSync:
      store_.Sync(txn);
      SetStatus(Status::Ok(), &out);
      break;
    case pb::Command::OP_NOT_SET:
      store_.Advance(txn.zxid);
      SetStatus(Status(Code::kInvalidCommand, "command has no operation"), &out);
      break;
  }
  return out;
}

std::unique_ptr<raft::SnapshotWriter> StoreStateMachine::CaptureSnapshot() {
  return std::make_unique<StoreSnapshotWriter>(store_.state(), chunk_bytes_);
}

raft::Status StoreStateMachine::Restore(raft::SnapshotSource& source) {
  raft::Result<State> state = ReadSnapshot(source);
  if (!state.ok()) return state.status();
  store_.ResetState(std::move(state).value());
  return raft::Status::Ok();
}

}  // namespace coord::store
