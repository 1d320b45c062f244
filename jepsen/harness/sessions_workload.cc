#include "jepsen/harness/sessions_workload.h"

#include <thread>

#include "jepsen/session_checker.h"

namespace coord::jepsen::harness {

namespace {
constexpr char kRoot[] = "/jepsen-sessions";
}  // namespace

std::chrono::milliseconds SessionsWorkload::settle_time() const {
  auto bound = std::chrono::duration_cast<std::chrono::milliseconds>(
      SessionCheckOptions().expiry_bound);
  return std::chrono::milliseconds(ttl_ms_) + bound + std::chrono::milliseconds(1000);
}

raft::Status SessionsWorkload::Setup(WorkloadContext& ctx) {
  ClientThread client(&ctx, 0, 1);
  auto r = CallUntilAnswered(client, "POST", std::string("/v1/nodes") + kRoot, "{}", 50);
  if (r.ok() && (r->status == 200 || r->error_code() == "NODE_EXISTS")) return raft::Status::Ok();
  return raft::Status::IOError(std::string("creating ") + kRoot + ": " +
                               (r.ok() ? r->body : r.error().what));
}

bool SessionsWorkload::List(ClientThread& client, int node) {
  Op op = client.Invoke("list", std::string(kRoot), nullptr);
  auto r = client.Call(node, "GET", std::string("/v1/nodes") + kRoot + "?children=true");
  Json j = r.ok() ? r->json() : Json();
  if (!r.ok() || r->status != 200 || !j.contains("children")) {
    client.Complete(op, OpType::kFail, nullptr, r.ok() ? r->error_code() : r.error().what);
    return false;
  }
  client.Complete(op, OpType::kOk, j["children"], "", {{"zxid", j.value("zxid", Json())}});
  return true;
}

bool SessionsWorkload::Exists(ClientThread& client, const std::string& path, int node) {
  Op op = client.Invoke("exists", path, nullptr);
  auto r = client.Call(node, "GET", "/v1/nodes" + path);
  if (r.ok() && (r->status == 200 || r->error_code() == "NO_NODE")) {
    client.Complete(op, OpType::kOk, r->status == 200, "", {{"zxid", r->json().value("zxid", Json())}});
    return true;
  }
  client.Complete(op, OpType::kFail, nullptr, r.ok() ? r->error_code() : r.error().what);
  return false;
}

void SessionsWorkload::OneSession(ClientThread& client) {
  auto& rng = client.rng();
  // Open. An unknown outcome may leave a session behind that expires unused: harmless.
  Op open = client.Invoke("open", std::nullopt, {{"ttl_ms", ttl_ms_}});
  auto r = client.Call(client.RandomNode(), "POST", "/v1/sessions",
                       Json{{"ttl_ms", ttl_ms_}}.dump());
  Outcome o = ClassifyWrite(r);
  if (o.type != OpType::kOk) return client.Complete(open, o.type, nullptr, o.error);
  Json s = r->json();
  const std::string id = s.value("id", "");
  const int64_t granted = s.value("ttl_ms", int64_t{0});
  client.Complete(open, OpType::kOk, {{"session", id}, {"ttl_ms", granted}});

  const std::string path = std::string(kRoot) + "/s" + id;
  Op create = client.Invoke("create", path, id);
  r = client.Call(client.RandomNode(), "POST", "/v1/nodes" + path,
                  Json{{"mode", "ephemeral"}, {"session", id}}.dump());
  o = ClassifyWrite(r);
  client.Complete(create, o.type, id, o.error);

  const auto lifetime = std::chrono::milliseconds(
      std::uniform_int_distribution<int>(ttl_ms_, 3 * ttl_ms_)(rng));
  const auto end = std::chrono::steady_clock::now() + lifetime;
  const auto period = std::chrono::milliseconds(granted / 4);
  // Keepalives must not wait as long as a write may: a quarter TTL per try, then another node.
  const auto keepalive_timeout = std::chrono::milliseconds(std::max<int64_t>(granted / 4, 200));
  bool expired = false;
  int node = client.RandomNode();
  while (!client.stopping() && std::chrono::steady_clock::now() < end && !expired) {
    const auto next = std::chrono::steady_clock::now() + period;
    Op ka = client.Invoke("keepalive", std::nullopt, id);
    auto k = client.Call(node, "POST", "/v1/sessions/" + id + "/keepalive", "", keepalive_timeout);
    Outcome ko = ClassifyWrite(k);
    if (ko.type == OpType::kFail && ko.error == "SESSION_EXPIRED") expired = true;
    client.Complete(ka, ko.type, id, ko.error);
    if (ko.type != OpType::kOk) {
      node = (node + 1) % client.ctx().network->nodes();  // try elsewhere at once
      continue;
    }
    Exists(client, path, client.RandomNode());
    if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) List(client, client.RandomNode());
    std::this_thread::sleep_until(next);  // the keepalive cadence, not a synchronisation
  }
  if (expired) return;
  // A session still open when the run stops is abandoned: the final listing checks it too.
  if (!client.stopping() && std::uniform_int_distribution<int>(0, 1)(rng) == 0) {
    Op close = client.Invoke("close", std::nullopt, id);
    r = client.Call(client.RandomNode(), "DELETE", "/v1/sessions/" + id);
    o = ClassifyWrite(r);
    client.Complete(close, o.type, id, o.error);
  } else {
    Op abandon = client.Invoke("abandon", std::nullopt, id);
    client.Complete(abandon, OpType::kOk, id);
  }
}

void SessionsWorkload::RunClient(WorkloadContext& ctx, int thread) {
  ClientThread client(&ctx, thread, threads_);
  while (!client.stopping()) OneSession(client);
}

raft::Status SessionsWorkload::Finish(WorkloadContext& ctx) {
  // Every session still open is abandoned now (the clients have stopped); once TTL + bound
  // have passed, every ephemeral but none should be gone.
  std::this_thread::sleep_for(settle_time());
  ClientThread client(&ctx, kFinalProcess, threads_);
  for (int node = 0; node < ctx.network->nodes(); ++node) {
    bool done = false;
    for (int attempt = 0; attempt < 50 && !done; ++attempt) {
      done = List(client, node);
      if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (!done) return raft::Status::Timeout("final listing through n" + std::to_string(node + 1));
  }
  return raft::Status::Ok();
}

}  // namespace coord::jepsen::harness
