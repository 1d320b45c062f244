#include "jepsen/harness/register_workload.h"

namespace coord::jepsen::harness {

namespace {

constexpr char kRoot[] = "/jepsen-register";
constexpr int kBatch = 64;
constexpr int kValues = 5;  // a small domain, so cas succeeds often

// The register's value from a read answer: null for empty data, else the integer.
std::optional<Json> RegisterValue(const HttpReply& reply) {
  Json j = reply.json();
  if (!j.is_object() || !j.contains("data") || !j["data"].is_string()) return std::nullopt;
  const std::string data = j["data"].get<std::string>();
  if (data.empty()) return Json(nullptr);
  try {
    return Json(std::stoll(data));
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

RegisterWorkload::RegisterWorkload(const WorkloadOptions& options)
    : threads_(options.threads > 0 ? options.threads : 10),
      keys_per_round_(options.keys_per_round),
      ops_per_key_(options.ops_per_key) {}

std::string RegisterWorkload::KeyPath(int key) {
  return std::string(kRoot) + "/k" + std::to_string(key);
}

raft::Status RegisterWorkload::CreateKeys(ClientThread& client, int from, int count) {
  Json ops = Json::array();
  for (int k = from; k < from + count; ++k) {
    ops.push_back({{"op", "create"}, {"path", KeyPath(k)}});
  }
  const std::string body = Json{{"ops", ops}}.dump();
  // All or nothing: NODE_EXISTS on the first means an earlier attempt whose answer was lost
  // created the whole batch.
  auto r = CallUntilAnswered(client, "POST", "/v1/txn", body, 200);
  if (r.ok() && (r->status == 200 || r->error_code() == "NODE_EXISTS")) return raft::Status::Ok();
  return raft::Status::IOError("creating register keys: " +
                               (r.ok() ? r->body : r.error().what));
}

raft::Status RegisterWorkload::Setup(WorkloadContext& ctx) {
  ClientThread client(&ctx, 0, 1);
  auto r = CallUntilAnswered(client, "POST", std::string("/v1/nodes") + kRoot, "{}", 50);
  if (!r.ok() || (r->status != 200 && r->error_code() != "NODE_EXISTS")) {
    return raft::Status::IOError("creating " + std::string(kRoot) + ": " +
                                 (r.ok() ? r->body : r.error().what));
  }
  raft::Status s = CreateKeys(client, 0, kBatch);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  created_ = kBatch;
  for (int i = 0; i < keys_per_round_; ++i) active_.push_back({next_key_++, 0});
  return raft::Status::Ok();
}

int RegisterWorkload::PickKey(ClientThread& client) {
  std::lock_guard<std::mutex> lock(mu_);
  Slot& slot = active_[std::uniform_int_distribution<size_t>(0, active_.size() - 1)(client.rng())];
  const int key = slot.key;
  if (++slot.ops >= ops_per_key_) {
    if (next_key_ >= created_) {
      // Rare (every kBatch keys): the other threads wait on the lock meanwhile.
      if (CreateKeys(client, created_, kBatch).ok()) created_ += kBatch;
    }
    if (next_key_ < created_) slot = {next_key_++, 0};
  }
  return key;
}

void RegisterWorkload::RunClient(WorkloadContext& ctx, int thread) {
  ClientThread client(&ctx, thread, threads_);
  std::uniform_int_distribution<int> value(0, kValues - 1), kind(0, 9);
  while (!client.stopping()) {
    const int key = PickKey(client);
    const int k = kind(client.rng());
    if (k < 5) Read(client, key);
    else if (k < 8) Write(client, key, value(client.rng()));
    else Cas(client, key, value(client.rng()), value(client.rng()));
  }
}

void RegisterWorkload::Read(ClientThread& client, int key) {
  const std::string path = KeyPath(key);
  Op op = client.Invoke("read", path, nullptr);
  auto r = client.Call(client.RandomNode(), "GET", "/v1/nodes" + path);
  // A read has no effect, so any failure to answer is a plain fail.
  if (!r.ok()) return client.Complete(op, OpType::kFail, nullptr, r.error().what);
  if (r->status != 200) return client.Complete(op, OpType::kFail, nullptr, r->error_code());
  std::optional<Json> v = RegisterValue(*r);
  if (!v) return client.Complete(op, OpType::kFail, nullptr, "unparsable");
  client.Complete(op, OpType::kOk, *v, "", {{"zxid", r->json().value("zxid", Json())}});
}

void RegisterWorkload::Write(ClientThread& client, int key, int value) {
  const std::string path = KeyPath(key);
  Op op = client.Invoke("write", path, value);
  auto r = client.Call(client.RandomNode(), "PUT", "/v1/nodes" + path,
                       Json{{"data", std::to_string(value)}}.dump());
  Outcome o = ClassifyWrite(r);
  Json extra = Json::object();
  if (o.type == OpType::kOk) extra["zxid"] = r->json().value("zxid", Json());
  client.Complete(op, o.type, value, o.error, extra);
}

void RegisterWorkload::Cas(ClientThread& client, int key, int expected, int value) {
  const std::string path = KeyPath(key);
  const Json pair = {expected, value};
  Op op = client.Invoke("cas", path, pair);
  const int node = client.RandomNode();
  auto read = client.Call(node, "GET", "/v1/nodes" + path);
  if (!read.ok() || read->status != 200) {
    return client.Complete(op, OpType::kFail, pair, "read-failed");
  }
  std::optional<Json> current = RegisterValue(*read);
  Json j = read->json();
  if (!current || !j.contains("stat") || !j["stat"].contains("version")) {
    return client.Complete(op, OpType::kFail, pair, "unparsable");
  }
  if (*current != Json(expected)) return client.Complete(op, OpType::kFail, pair, "mismatch");
  const std::string version = std::to_string(j["stat"]["version"].get<int64_t>());
  auto r = client.Call(node, "PUT", "/v1/nodes" + path + "?version=" + version,
                       Json{{"data", std::to_string(value)}}.dump());
  Outcome o = ClassifyWrite(r);
  // BAD_VERSION: someone wrote between our read and our set; the set had no effect, but the
  // value may still equal `expected` (written again), so this is not a "mismatch".
  if (o.type == OpType::kFail && o.error == "BAD_VERSION") o.error = "version-changed";
  Json extra = Json::object();
  if (o.type == OpType::kOk) extra["zxid"] = r->json().value("zxid", Json());
  client.Complete(op, o.type, pair, o.error, extra);
}

}  // namespace coord::jepsen::harness
