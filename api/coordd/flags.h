// CoorddFlags: coordd's command line, in etcd's spirit so operators feel at home.
//
// With no flags coordd is a single-node development server: node 1, client API on
// 127.0.0.1:7379, peer port 127.0.0.1:7380, data in ./coord-data.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "raft/status.h"

namespace coord::api {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
};

struct CoorddFlags {
  uint64_t id = 1;
  std::string data_dir = "coord-data";
  HostPort listen_client{"127.0.0.1", 7379};
  HostPort listen_peer{"127.0.0.1", 7380};
  // id -> peer address. Defaults to this node alone.
  std::map<uint64_t, HostPort> initial_cluster;
  std::string cluster_id = "coord";
  // Start with no membership and wait to be added to an existing cluster.
  bool join = false;

  int tick_ms = 100;
  int election_ticks = 10;
  int heartbeat_ticks = 1;
  uint64_t snapshot_every = 10000;
  uint64_t snapshot_catchup_entries = 5000;
  int request_timeout_ms = 5000;
  // How long a request waits for a leader to appear (election, partition) before 503.
  int leader_wait_ms = 2000;

  // HTTP limits.
  uint64_t max_body_bytes = 2 << 20;
  uint64_t max_header_bytes = 16 << 10;
  int max_connections = 4096;
  int header_timeout_ms = 5000;
  int body_timeout_ms = 30000;
  int idle_timeout_ms = 60000;
  int http_threads = 0;  // 0: hardware concurrency
  bool access_log = false;

  // Namespace limits.
  uint64_t max_data_bytes = 1 << 20;
  uint64_t max_path_bytes = 4096;
  int64_t session_min_ttl_ms = 1000;
  int64_t session_max_ttl_ms = 600000;
  // Watches (per node: they are not replicated).
  int max_watchers = 100000;
  int watch_queue_events = 1000;     // undrained events per watcher before it is cut
  int watch_history_events = 10000;  // events kept for resuming with since
  int watch_progress_ms = 5000;      // bookmark interval for idle watchers
  int watch_poll_timeout_ms = 30000; // long-poll wait without timeout_ms
  uint64_t watch_stream_buffer_bytes = 256 << 10;  // unsent bytes per SSE stream
  // Keepalives per second per session (the leader refuses more with 429); 0: unlimited.
  double keepalive_rate = 10;

  // Test-only: shifts this node's wall clock, for clock-fault injection (Jepsen).
  int64_t clock_offset_ms = 0;
  // TEST ONLY: linearizable reads served without ReadIndex (stale on a deposed leader or a
  // lagging follower). Exists so the Jepsen harness can show its checker catches the bug.
  bool unsafe_local_reads = false;

  bool help = false;
  std::string help_text;
};

// Parses argv. InvalidArgument with a message naming the flag for anything malformed.
raft::Result<CoorddFlags> ParseCoorddFlags(int argc, const char* const* argv);

// "host:port" with a numeric port in 1..65535.
raft::Result<HostPort> ParseHostPort(const std::string& text);

// "1=127.0.0.1:7380,2=127.0.0.1:7480".
raft::Result<std::map<uint64_t, HostPort>> ParseInitialCluster(const std::string& text);

}  // namespace coord::api
