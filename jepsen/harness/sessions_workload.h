// The sessions workload: each client opens a session (TTL `session_ttl_ms`), creates one
// ephemeral node /jepsen-sessions/s<session>, keeps the session alive for a few seconds with
// keepalives every quarter TTL (through any node, moving on when one does not answer) while
// checking that its ephemeral exists and now and then listing everyone's, then either closes
// the session or abandons it (stops its keepalives), and starts over. After the faults are
// healed and TTL + the checker's expiry bound have passed, a final listing through every node
// shows whether every abandoned session's ephemeral is gone.
#pragma once

#include "jepsen/harness/workload.h"

namespace coord::jepsen::harness {

class SessionsWorkload : public Workload {
 public:
  explicit SessionsWorkload(const WorkloadOptions& options)
      : threads_(options.threads > 0 ? options.threads : 5), ttl_ms_(options.session_ttl_ms) {}
  std::string name() const override { return "sessions"; }
  int threads() const override { return threads_; }
  raft::Status Setup(WorkloadContext& ctx) override;
  void RunClient(WorkloadContext& ctx, int thread) override;
  raft::Status Finish(WorkloadContext& ctx) override;

  // How long after the last fault the final listing waits: TTL plus the checker's expiry bound
  // plus a margin.
  std::chrono::milliseconds settle_time() const;

 private:
  // One session's life; returns when it has been closed or abandoned (or could not be made).
  void OneSession(ClientThread& client);
  bool List(ClientThread& client, int node);
  bool Exists(ClientThread& client, const std::string& path, int node);

  const int threads_;
  const int ttl_ms_;
};

}  // namespace coord::jepsen::harness
