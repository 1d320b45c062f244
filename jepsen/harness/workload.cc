#include "jepsen/harness/workload.h"

#include <thread>

#include "jepsen/harness/register_workload.h"
#include "jepsen/harness/sessions_workload.h"
#include "jepsen/harness/set_workload.h"
#include "jepsen/harness/watch_workload.h"

namespace coord::jepsen::harness {

Outcome ClassifyWrite(const HttpResult<HttpReply>& reply) {
  if (!reply.ok()) {
    // Never sent: certainly not executed. Sent and no answer: anything may have happened.
    if (!reply.error().maybe_delivered) return {OpType::kFail, "unreachable"};
    return {OpType::kInfo, reply.error().what};
  }
  const int status = reply->status;
  if (status == 200) return {OpType::kOk, ""};
  const std::string code = reply->error_code();
  // NO_LEADER is documented as "not executed"; every 4xx is a refusal with no effect.
  if (status == 503 && code == "NO_LEADER") return {OpType::kFail, "no-leader"};
  if (status >= 400 && status < 500) return {OpType::kFail, code.empty() ? std::to_string(status) : code};
  return {OpType::kInfo, code.empty() ? std::to_string(status) : code};
}

ClientThread::ClientThread(WorkloadContext* ctx, int thread, int threads)
    : ctx_(ctx), threads_(threads), process_(thread),
      rng_(ctx->seed * 1000003 + static_cast<uint64_t>(thread)) {
  for (int i = 0; i < ctx->network->nodes(); ++i) {
    Endpoint e = ctx->network->client(i);
    clients_.push_back(std::make_unique<HttpClient>(e.host, e.port));
  }
}

Op ClientThread::Invoke(const std::string& f, std::optional<std::string> key, Json value) {
  Op op;
  op.process = process_;
  op.type = OpType::kInvoke;
  op.f = f;
  op.key = std::move(key);
  op.value = std::move(value);
  op.time = ctx_->clock->Now();
  (void)ctx_->history->Append(op);
  return op;
}

void ClientThread::Complete(const Op& invoke, OpType type, Json value, const std::string& error,
                            Json extra) {
  Op op = invoke;
  op.type = type;
  op.value = std::move(value);
  op.time = ctx_->clock->Now();
  if (!error.empty()) op.error = error;
  op.extra = std::move(extra);
  (void)ctx_->history->Append(op);
  if (type == OpType::kOk) ++ctx_->ok;
  else if (type == OpType::kFail) ++ctx_->fail;
  else ++ctx_->info;
  if (type == OpType::kInfo) process_ += threads_;
}

void ClientThread::Notify(const std::string& f, const std::string& key, Json value, Json extra) {
  Op op;
  op.process = process_;
  op.type = OpType::kOk;
  op.f = f;
  op.key = key;
  op.value = std::move(value);
  op.time = ctx_->clock->Now();
  op.extra = std::move(extra);
  (void)ctx_->history->Append(op);
}

int ClientThread::RandomNode() {
  return std::uniform_int_distribution<int>(0, static_cast<int>(clients_.size()) - 1)(rng_);
}

HttpResult<HttpReply> ClientThread::Call(
    int node, const std::string& method, const std::string& target, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  return clients_[node]->Request(method, target, body, ctx_->request_timeout, headers);
}

HttpResult<HttpReply> ClientThread::Call(int node, const std::string& method,
                                         const std::string& target, const std::string& body,
                                         std::chrono::milliseconds timeout) {
  return clients_[node]->Request(method, target, body, timeout);
}

HttpResult<HttpReply> CallUntilAnswered(ClientThread& client, const std::string& method,
                                        const std::string& target, const std::string& body,
                                        int attempts) {
  int node = client.RandomNode();
  const int nodes = client.ctx().network->nodes();
  HttpResult<HttpReply> last = HttpError{true, "no attempt"};
  for (int i = 0; i < attempts; ++i) {
    last = client.Call((node + i) % nodes, method, target, body);
    if (last.ok() && last->status < 500) return last;
    // A node down or without a leader: try the next one after a moment (elections take
    // about a second with the harness's ticks).
    if ((i + 1) % nodes == 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return last;
}

raft::Result<std::unique_ptr<Workload>> MakeWorkload(const std::string& name,
                                                     const WorkloadOptions& options) {
  if (name == "register") return std::unique_ptr<Workload>(new RegisterWorkload(options));
  if (name == "set") return std::unique_ptr<Workload>(new SetWorkload(options));
  if (name == "sessions") return std::unique_ptr<Workload>(new SessionsWorkload(options));
  if (name == "watch") return std::unique_ptr<Workload>(new WatchWorkload(options));
  return raft::Status::InvalidArgument("unknown workload \"" + name +
                                       "\" (known: register, set, sessions, watch)");
}

}  // namespace coord::jepsen::harness
