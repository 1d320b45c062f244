#include "jepsen/harness/watch_workload.h"

#include <thread>

namespace coord::jepsen::harness {

namespace {
constexpr char kRoot[] = "/jepsen-watch";
constexpr int kNames = 10;
}  // namespace

raft::Status WatchWorkload::Setup(WorkloadContext& ctx) {
  ClientThread client(&ctx, 0, 1);
  auto r = CallUntilAnswered(client, "POST", std::string("/v1/nodes") + kRoot, "{}", 50);
  if (!r.ok() || (r->status != 200 && r->error_code() != "NODE_EXISTS")) {
    return raft::Status::IOError(std::string("creating ") + kRoot + ": " +
                                 (r.ok() ? r->body : r.error().what));
  }
  for (int i = 0; i < watchers_; ++i) {
    auto w = std::make_unique<Watcher>();
    w->client = std::make_unique<ClientThread>(&ctx, writers_ + i, threads());
    watcher_state_.push_back(std::move(w));
  }
  return raft::Status::Ok();
}

void WatchWorkload::Write(ClientThread& client) {
  const std::string path = std::string(kRoot) + "/n" +
      std::to_string(std::uniform_int_distribution<int>(0, kNames - 1)(client.rng()));
  const int which = std::uniform_int_distribution<int>(0, 2)(client.rng());
  const int value = std::uniform_int_distribution<int>(0, 999)(client.rng());
  const char* f = which == 0 ? "create" : which == 1 ? "set" : "delete";
  Op op = client.Invoke(f, path, which == 2 ? Json() : Json(value));
  HttpResult<HttpReply> r = HttpError{};
  const int node = client.RandomNode();
  const std::string body = Json{{"data", std::to_string(value)}}.dump();
  if (which == 0) r = client.Call(node, "POST", "/v1/nodes" + path, body);
  else if (which == 1) r = client.Call(node, "PUT", "/v1/nodes" + path, body);
  else r = client.Call(node, "DELETE", "/v1/nodes" + path);
  Outcome o = ClassifyWrite(r);
  Json extra = Json::object();
  if (o.type == OpType::kOk) extra["zxid"] = r->json().value("zxid", Json());
  client.Complete(op, o.type, op.value, o.error, extra);
}

bool WatchWorkload::Begin(Watcher& w) {
  ClientThread& c = *w.client;
  Op op = c.Invoke("watch", std::string(kRoot), nullptr);
  // A linearizable read of the root: its zxid is a position every later write follows.
  auto r = c.Call(c.RandomNode(), "GET", std::string("/v1/nodes") + kRoot);
  Json j = r.ok() ? r->json() : Json();
  if (!r.ok() || r->status != 200 || !j.contains("zxid")) {
    c.Complete(op, OpType::kFail, nullptr, r.ok() ? r->error_code() : r.error().what);
    return false;
  }
  w.position = j["zxid"].get<int64_t>();
  c.Complete(op, OpType::kOk, nullptr, "", {{"zxid", w.position}});
  return true;
}

bool WatchWorkload::Poll(Watcher& w, std::chrono::milliseconds wait) {
  ClientThread& c = *w.client;
  const std::string target = std::string("/v1/watch?path=") + kRoot + "&recursive=true&since=" +
                             std::to_string(w.position) + "&timeout_ms=" +
                             std::to_string(wait.count());
  auto r = c.Call(c.RandomNode(), "GET", target, "", wait + c.ctx().request_timeout);
  if (!r.ok()) return false;
  Json j = r->json();
  if (r->status == 410 && r->error_code() == "WATCH_COMPACTED") {
    // The history no longer bridges our position: re-read, and watch again from there.
    auto read = c.Call(c.RandomNode(), "GET", std::string("/v1/nodes") + kRoot);
    Json rj = read.ok() ? read->json() : Json();
    if (!read.ok() || read->status != 200 || !rj.contains("zxid")) return false;
    w.position = rj["zxid"].get<int64_t>();
    c.Notify("event", kRoot, "resync", {{"zxid", w.position}});
    return true;
  }
  if (r->status != 200 || !j.contains("events") || !j.contains("zxid")) return false;
  for (const Json& e : j["events"]) {
    c.Notify("event", e.value("path", ""), e.value("type", ""), {{"zxid", e.value("zxid", Json())}});
  }
  const int64_t position = j["zxid"].get<int64_t>();
  if (position > w.position || !j["events"].empty()) {
    w.position = std::max(w.position, position);
    c.Notify("event", kRoot, "progress", {{"zxid", w.position}});
  }
  return true;
}

void WatchWorkload::RunClient(WorkloadContext& ctx, int thread) {
  if (thread < writers_) {
    ClientThread client(&ctx, thread, threads());
    while (!client.stopping()) Write(client);
    return;
  }
  Watcher& w = *watcher_state_[thread - writers_];
  while (!w.client->stopping()) {
    if (w.position < 0) {
      if (!Begin(w)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    Poll(w, std::chrono::milliseconds(1000));
  }
}

raft::Status WatchWorkload::Finish(WorkloadContext& ctx) {
  // The cluster's last zxid: a linearizable read after the writers stopped.
  ClientThread reader(&ctx, 0, threads());
  auto r = CallUntilAnswered(reader, "GET", std::string("/v1/nodes") + kRoot, "", 50);
  if (!r.ok() || r->status != 200) return raft::Status::Timeout("final read of " + std::string(kRoot));
  const int64_t last = r->json().value("zxid", int64_t{0});
  for (auto& w : watcher_state_) {
    for (int attempt = 0; attempt < 100 && w->position < last; ++attempt) {
      if (w->position < 0) {
        Begin(*w);
        continue;
      }
      Poll(*w, std::chrono::milliseconds(200));
    }
    if (w->position < last) {
      return raft::Status::Timeout("a watcher did not reach zxid " + std::to_string(last));
    }
  }
  return raft::Status::Ok();
}

}  // namespace coord::jepsen::harness
