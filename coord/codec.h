// Codec: conversions between the typed API (requests.h) and the protobuf wire format
// (command.proto), in both directions:
//   proposers (the leader runtime, tests) build Commands with MakeCommand and read Responses
//   with the *Of functions; Apply decodes Commands with FromProto and encodes results with
//   the Response builders.
// Decoding never fails on values a peer could send: an out-of-range create mode or reap kind
// decodes to a value the store rejects with kInvalidArgument at apply (attributed to its op
// in a multi); only a multi op with no operation set is a decoding error (kInvalidCommand).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "coord/command.pb.h"
#include "coord/requests.h"
#include "coord/status.h"

namespace coord::store {

// What the proposer stamps on every command.
struct CommandHeader {
  int64_t time_ms = 0;
  uint64_t session_id = 0;
  uint64_t request_id = 0;
};

pb::Command MakeCommand(const CommandHeader& header, const CreateRequest& request);
pb::Command MakeCommand(const CommandHeader& header, const DeleteRequest& request);
pb::Command MakeCommand(const CommandHeader& header, const SetDataRequest& request);
pb::Command MakeCommand(const CommandHeader& header, const MultiRequest& request);
pb::Command MakeCommand(const CommandHeader& header, const OpenSessionRequest& request);
pb::Command MakeCommand(const CommandHeader& header, const CloseSessionRequest& request);
pb::Command MakeCommand(const CommandHeader& header, const ExpireSessionRequest& request);
pb::Command MakeCommand(const CommandHeader& header, const ReapRequest& request);
pb::Command MakeSyncCommand(const CommandHeader& header);

// --- Commands to requests (Apply) ----------------------------------------------------------
CreateRequest FromProto(const pb::CreateOp& op);
DeleteRequest FromProto(const pb::DeleteOp& op);
SetDataRequest FromProto(const pb::SetDataOp& op);
CheckRequest FromProto(const pb::CheckOp& op);
Result<MultiRequest> FromProto(const pb::MultiOp& op);
ReapRequest FromProto(const pb::ReapOp& op);

// --- Results to responses (Apply) ----------------------------------------------------------
void ToProto(const Stat& stat, pb::Stat* out);
Stat FromProto(const pb::Stat& stat);
// Sets code, message and failed_op; zxid is set by the caller.
void SetStatus(const Status& status, pb::Response* out);
void SetResult(const CreateResult& result, pb::Response* out);
void SetResult(const SetDataResult& result, pb::Response* out);
void SetResult(const MultiResult& result, pb::Response* out);
void SetResult(const OpenSessionResult& result, pb::Response* out);
void SetResult(const SessionEndResult& result, pb::Response* out);

// --- Responses to results (proposers) ------------------------------------------------------
Status StatusOf(const pb::Response& response);
Result<CreateResult> CreateResultOf(const pb::Response& response);
Result<DeleteResult> DeleteResultOf(const pb::Response& response);
Result<SetDataResult> SetDataResultOf(const pb::Response& response);
Result<MultiResult> MultiResultOf(const pb::Response& response);
Result<OpenSessionResult> OpenSessionResultOf(const pb::Response& response);
Result<SessionEndResult> SessionEndResultOf(const pb::Response& response);
Result<SyncResult> SyncResultOf(const pb::Response& response);

}  // namespace coord::store
