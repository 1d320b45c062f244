// Workload: what the clients of a Jepsen run do, and the history they write.
//
// A run (runner.h) calls Setup once on a healthy cluster, RunClient on `threads()` threads
// while the nemesis acts, and Finish once every fault is healed (final reads, final
// positions). Everything a client learns goes to the workload's history through
// ClientThread, in the format of ../shared/history-format.md. Adding a workload is one
// class and one line in MakeWorkload.
#pragma once

#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "jepsen/harness/http_client.h"
#include "jepsen/harness/network.h"
#include "jepsen/harness/run_clock.h"
#include "jepsen/history.h"

namespace coord::jepsen::harness {

// Shared by every client thread of a workload. Thread-safe.
struct WorkloadContext {
  const Network* network = nullptr;
  const RunClock* clock = nullptr;
  HistoryWriter* history = nullptr;
  std::atomic<bool>* stop = nullptr;  // set when the clients must stop
  uint64_t seed = 1;
  std::chrono::milliseconds request_timeout{3000};
  // Counters for the progress line.
  std::atomic<int64_t> ok{0}, fail{0}, info{0};
};

// What an answer means for an operation with an effect (a write): ok, certainly not done
// (fail), or unknown (info), with a short reason.
struct Outcome {
  OpType type = OpType::kInfo;
  std::string error;  // "" for ok
};
Outcome ClassifyWrite(const HttpResult<HttpReply>& reply);

// The process id of final reads: above any a client thread reaches in a run, so it never
// reuses one that ended in info.
inline constexpr int kFinalProcess = 1'000'000'000;

// One client thread: its process id (a fresh one after every info, as the format requires),
// its random source, one connection per node, and the history records.
class ClientThread {
 public:
  // `thread` in [0, threads): process ids are thread, thread + threads, ...
  ClientThread(WorkloadContext* ctx, int thread, int threads);

  int64_t process() const { return process_; }
  std::mt19937_64& rng() { return rng_; }
  bool stopping() const { return ctx_->stop->load(); }
  WorkloadContext& ctx() { return *ctx_; }

  // Records the invoke and returns it for Complete.
  Op Invoke(const std::string& f, std::optional<std::string> key, Json value);
  // Records the completion of `invoke` (same process, f, key). An info moves this thread to
  // a fresh process id.
  void Complete(const Op& invoke, OpType type, Json value, const std::string& error = "",
                Json extra = Json::object());
  // A notification without invoke (the watch workload's events).
  void Notify(const std::string& f, const std::string& key, Json value, Json extra);

  int RandomNode();
  HttpResult<HttpReply> Call(int node, const std::string& method, const std::string& target,
                             const std::string& body = "",
                             const std::vector<std::pair<std::string, std::string>>& headers = {});
  HttpResult<HttpReply> Call(int node, const std::string& method, const std::string& target,
                             const std::string& body, std::chrono::milliseconds timeout);

 private:
  WorkloadContext* ctx_;
  const int threads_;
  int64_t process_;
  std::mt19937_64 rng_;
  std::vector<std::unique_ptr<HttpClient>> clients_;
};

class Workload {
 public:
  virtual ~Workload() = default;
  virtual std::string name() const = 0;
  virtual int threads() const = 0;
  // Creates what the clients need (on a healthy cluster, before faults).
  virtual raft::Status Setup(WorkloadContext& ctx) = 0;
  virtual void RunClient(WorkloadContext& ctx, int thread) = 0;
  // After the faults are healed and the clients stopped.
  virtual raft::Status Finish(WorkloadContext& ctx) = 0;
};

struct WorkloadOptions {
  int threads = 0;  // 0: the workload's default
  int keys_per_round = 3;      // register: keys in use at once
  int ops_per_key = 300;       // register: ops before a key is retired
  int session_ttl_ms = 3000;   // sessions
};

// register, set, sessions, watch. InvalidArgument for an unknown name.
raft::Result<std::unique_ptr<Workload>> MakeWorkload(const std::string& name,
                                                     const WorkloadOptions& options);

// Sends `method target body` to the nodes in turn until one gives a definite answer (a status
// below 500), for setup and final reads, which must eventually succeed; the last failure after
// `attempts` tries.
HttpResult<HttpReply> CallUntilAnswered(ClientThread& client, const std::string& method,
                                        const std::string& target, const std::string& body,
                                        int attempts);

}  // namespace coord::jepsen::harness
