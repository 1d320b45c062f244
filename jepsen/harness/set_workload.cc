#include "jepsen/harness/set_workload.h"

#include <algorithm>
#include <thread>

namespace coord::jepsen::harness {

namespace {
constexpr char kRoot[] = "/jepsen-set";
std::string SetPath(int64_t set) { return std::string(kRoot) + "/s" + std::to_string(set); }
}  // namespace

raft::Status SetWorkload::Setup(WorkloadContext& ctx) {
  ClientThread client(&ctx, 0, 1);
  auto r = CallUntilAnswered(client, "POST", std::string("/v1/nodes") + kRoot, "{}", 50);
  if (r.ok() && (r->status == 200 || r->error_code() == "NODE_EXISTS")) return raft::Status::Ok();
  return raft::Status::IOError(std::string("creating ") + kRoot + ": " +
                               (r.ok() ? r->body : r.error().what));
}

bool SetWorkload::Read(ClientThread& client, int64_t set, int node) {
  const std::string path = SetPath(set);
  Op op = client.Invoke("read", path, nullptr);
  auto r = client.Call(node, "GET", "/v1/nodes" + path + "?children=true");
  if (!r.ok()) {
    client.Complete(op, OpType::kFail, nullptr, r.error().what);
    return false;
  }
  Json j = r->json();
  // A set none of whose adds has created it yet is empty (its parent is made by the first add).
  if (r->status == 404 && r->error_code() == "NO_NODE") {
    client.Complete(op, OpType::kOk, Json::array(), "", {{"zxid", j.value("zxid", Json())}});
    return true;
  }
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
      // One of the newest four sets: the one being filled, or one filled a moment ago.
      const int64_t newest = next_element_.load() / kElementsPerSet;
      const int64_t back = std::uniform_int_distribution<int64_t>(0, 3)(client.rng());
      Read(client, std::max<int64_t>(0, newest - back), client.RandomNode());
      continue;
    }
    const int64_t element = next_element_++;
    const std::string set = SetPath(element / kElementsPerSet);
    Op op = client.Invoke("add", set, element);
    auto r = client.Call(client.RandomNode(), "POST",
                         "/v1/nodes" + set + "/" + std::to_string(element) + "?parents=true", "{}");
    Outcome o = ClassifyWrite(r);
    client.Complete(op, o.type, element, o.error);
  }
}

raft::Status SetWorkload::Finish(WorkloadContext& ctx) {
  // A final read of every set through every node: each must see every acknowledged add.
  ClientThread client(&ctx, kFinalProcess, threads_);
  const int64_t sets = (next_element_.load() + kElementsPerSet - 1) / kElementsPerSet;
  for (int64_t set = 0; set < std::max<int64_t>(sets, 1); ++set) {
    for (int node = 0; node < ctx.network->nodes(); ++node) {
      bool done = false;
      for (int attempt = 0; attempt < 50 && !done; ++attempt) {
        done = Read(client, set, node);
        if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a retry's pause
      }
      if (!done) {
        return raft::Status::Timeout("final read of " + SetPath(set) + " through n" + std::to_string(node + 1));
      }
    }
  }
  return raft::Status::Ok();
}

}  // namespace coord::jepsen::harness
