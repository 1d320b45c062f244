#include "jepsen/harness/set_workload.h"

#include <thread>

namespace coord::jepsen::harness {

namespace {
constexpr char kRoot[] = "/jepsen-set";
}  // namespace

raft::Status SetWorkload::Setup(WorkloadContext& ctx) {
  ClientThread client(&ctx, 0, 1);
  auto r = CallUntilAnswered(client, "POST", std::string("/v1/nodes") + kRoot, "{}", 50);
  if (r.ok() && (r->status == 200 || r->error_code() == "NODE_EXISTS")) return raft::Status::Ok();
  return raft::Status::IOError(std::string("creating ") + kRoot + ": " +
                               (r.ok() ? r->body : r.error().what));
}

bool SetWorkload::Read(ClientThread& client, int node) {
  Op op = client.Invoke("read", std::nullopt, nullptr);
  auto r = client.Call(node, "GET", std::string("/v1/nodes") + kRoot + "?children=true");
  if (!r.ok()) {
    client.Complete(op, OpType::kFail, nullptr, r.error().what);
    return false;
  }
  Json j = r->json();
  if (r->status != 200 || !j.contains("children") || !j["children"].is_array()) {
    client.Complete(op, OpType::kFail, nullptr, r->error_code());
    return false;
  }
  Json elements = Json::array();
  for (const Json& c : j["children"]) {
    try {
      elements.push_back(std::stoll(c.get<std::string>()));
    } catch (...) {
      client.Complete(op, OpType::kFail, nullptr, "unparsable child " + c.dump());
      return false;
    }
  }
  client.Complete(op, OpType::kOk, elements, "", {{"zxid", j.value("zxid", Json())}});
  return true;
}

void SetWorkload::RunClient(WorkloadContext& ctx, int thread) {
  ClientThread client(&ctx, thread, threads_);
  std::uniform_int_distribution<int> kind(0, 19);
  while (!client.stopping()) {
    if (kind(client.rng()) == 0) {
      Read(client, client.RandomNode());
      continue;
    }
    const int64_t element = next_element_++;
    Op op = client.Invoke("add", std::nullopt, element);
    auto r = client.Call(client.RandomNode(), "POST",
                         std::string("/v1/nodes") + kRoot + "/" + std::to_string(element), "{}");
    Outcome o = ClassifyWrite(r);
    client.Complete(op, o.type, element, o.error);
  }
}

raft::Status SetWorkload::Finish(WorkloadContext& ctx) {
  // A final read through every node: each must see every acknowledged add.
  ClientThread client(&ctx, kFinalProcess, threads_);
  for (int node = 0; node < ctx.network->nodes(); ++node) {
    bool done = false;
    for (int attempt = 0; attempt < 50 && !done; ++attempt) {
      done = Read(client, node);
      if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (!done) return raft::Status::Timeout("final read of the set through n" + std::to_string(node + 1));
  }
  return raft::Status::Ok();
}

}  // namespace coord::jepsen::harness
