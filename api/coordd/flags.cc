#include "api/coordd/flags.h"

#include <boost/program_options.hpp>
#include <sstream>

namespace coord::api {

namespace po = boost::program_options;
using raft::Result;
using raft::Status;

Result<HostPort> ParseHostPort(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::InvalidArgument("expected HOST:PORT, got '" + text + "'");
  }
  HostPort hp;
  hp.host = text.substr(0, colon);
  if (hp.host.size() > 2 && hp.host.front() == '[' && hp.host.back() == ']') {
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("port must be a number in 1..65535, got '" + port + "'");
  }
  const unsigned long value = std::stoul(port);
  if (value == 0 || value > 65535) {
    return Status::InvalidArgument("port must be a number in 1..65535, got '" + port + "'");
  }
  hp.port = static_cast<uint16_t>(value);
  return hp;
}

Result<std::map<uint64_t, HostPort>> ParseInitialCluster(const std::string& text) {
  std::map<uint64_t, HostPort> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      return Status::InvalidArgument("expected ID=HOST:PORT, got '" + item + "'");
    }
    const std::string id_text = item.substr(0, eq);
    if (id_text.empty() || id_text.size() > 19 ||
        id_text.find_first_not_of("0123456789") != std::string::npos) {
      return Status::InvalidArgument("member id must be a positive number, got '" + id_text + "'");
    }
    const uint64_t id = std::stoull(id_text);
    if (id == 0) return Status::InvalidArgument("member id must be a positive number, got '0'");
    Result<HostPort> hp = ParseHostPort(item.substr(eq + 1));
    if (!hp.ok()) return Status::InvalidArgument("member " + id_text + ": " + hp.status().message());
    if (!out.emplace(id, *hp).second) {
      return Status::InvalidArgument("member id " + id_text + " appears twice");
    }
  }
  if (out.empty()) return Status::InvalidArgument("no members given");
  return out;
}

Result<CoorddFlags> ParseCoorddFlags(int argc, const char* const* argv) {
  CoorddFlags f;
  std::string listen_client = f.listen_client.ToString();
  std::string listen_peer = f.listen_peer.ToString();
  std::string initial_cluster;
  po::options_description desc(
      "coordd: a coordination service node.\n"
      "With no flags: a single-node development server on 127.0.0.1:7379, data in ./coord-data.\n"
      "Options");
  desc.add_options()
      ("help,h", "print this help")
      ("id", po::value<uint64_t>(&f.id)->default_value(f.id), "this node's id (> 0)")
      ("data-dir", po::value<std::string>(&f.data_dir)->default_value(f.data_dir), "data directory")
      ("listen-client", po::value<std::string>(&listen_client)->default_value(listen_client),
       "HOST:PORT of the HTTP API")
      ("listen-peer", po::value<std::string>(&listen_peer)->default_value(listen_peer),
       "HOST:PORT for Raft traffic between nodes")
      ("initial-cluster", po::value<std::string>(&initial_cluster),
       "ID=HOST:PEERPORT,... of the initial members (default: this node alone)")
      ("cluster-id", po::value<std::string>(&f.cluster_id)->default_value(f.cluster_id),
       "cluster name; nodes of other clusters are refused")
      ("join", po::bool_switch(&f.join), "start without membership, to be added to a running cluster")
      ("tick-ms", po::value<int>(&f.tick_ms)->default_value(f.tick_ms), "Raft tick length (ms)")
      ("election-ticks", po::value<int>(&f.election_ticks)->default_value(f.election_ticks),
       "election timeout in ticks (randomized up to twice that)")
      ("heartbeat-ticks", po::value<int>(&f.heartbeat_ticks)->default_value(f.heartbeat_ticks),
       "heartbeat interval in ticks")
      ("snapshot-every", po::value<uint64_t>(&f.snapshot_every)->default_value(f.snapshot_every),
       "applied entries between snapshots (0: never)")
      ("snapshot-catchup-entries",
       po::value<uint64_t>(&f.snapshot_catchup_entries)->default_value(f.snapshot_catchup_entries),
       "entries kept behind a snapshot for slow followers")
      ("request-timeout-ms", po::value<int>(&f.request_timeout_ms)->default_value(f.request_timeout_ms),
       "how long a request waits for commit or a read barrier before 503")
      ("leader-wait-ms", po::value<int>(&f.leader_wait_ms)->default_value(f.leader_wait_ms),
       "how long a request waits for a leader to appear before 503 NO_LEADER")
      ("max-body-bytes", po::value<uint64_t>(&f.max_body_bytes)->default_value(f.max_body_bytes),
       "largest HTTP request body")
      ("max-header-bytes", po::value<uint64_t>(&f.max_header_bytes)->default_value(f.max_header_bytes),
       "largest HTTP request header")
      ("max-connections", po::value<int>(&f.max_connections)->default_value(f.max_connections),
       "concurrent client connections")
      ("header-timeout-ms", po::value<int>(&f.header_timeout_ms)->default_value(f.header_timeout_ms),
       "time allowed to send request headers")
      ("body-timeout-ms", po::value<int>(&f.body_timeout_ms)->default_value(f.body_timeout_ms),
       "time allowed to send a request body")
      ("idle-timeout-ms", po::value<int>(&f.idle_timeout_ms)->default_value(f.idle_timeout_ms),
       "idle keep-alive connections are closed after this")
      ("http-threads", po::value<int>(&f.http_threads)->default_value(f.http_threads),
       "HTTP worker threads (0: one per core)")
      ("access-log", po::bool_switch(&f.access_log), "log every HTTP request to stderr")
      ("max-data-bytes", po::value<uint64_t>(&f.max_data_bytes)->default_value(f.max_data_bytes),
       "largest node data")
      ("max-path-bytes", po::value<uint64_t>(&f.max_path_bytes)->default_value(f.max_path_bytes),
       "longest node path")
      ("session-min-ttl-ms", po::value<int64_t>(&f.session_min_ttl_ms)->default_value(f.session_min_ttl_ms),
       "shortest session TTL")
      ("session-max-ttl-ms", po::value<int64_t>(&f.session_max_ttl_ms)->default_value(f.session_max_ttl_ms),
       "longest session TTL")
      ("max-watchers", po::value<int>(&f.max_watchers)->default_value(f.max_watchers),
       "live watches on this node (beyond: 429 TOO_MANY_WATCHERS)")
      ("watch-queue-events", po::value<int>(&f.watch_queue_events)->default_value(f.watch_queue_events),
       "undrained events a watcher may hold before it is cut (WATCHER_TOO_SLOW)")
      ("watch-history-events", po::value<int>(&f.watch_history_events)->default_value(f.watch_history_events),
       "recent events kept for resuming watches with since (older: 410 WATCH_COMPACTED)")
      ("watch-progress-ms", po::value<int>(&f.watch_progress_ms)->default_value(f.watch_progress_ms),
       "interval of progress notifications (bookmarks) to idle watchers")
      ("watch-poll-timeout-ms", po::value<int>(&f.watch_poll_timeout_ms)->default_value(f.watch_poll_timeout_ms),
       "long-poll wait when the request gives no timeout_ms")
      ("watch-stream-buffer-bytes", po::value<uint64_t>(&f.watch_stream_buffer_bytes)->default_value(f.watch_stream_buffer_bytes),
       "unsent bytes an SSE watch stream may hold before its watcher stops draining")
      ("keepalive-rate", po::value<double>(&f.keepalive_rate)->default_value(f.keepalive_rate),
       "keepalives per second allowed per session (0: unlimited)")
      ("clock-offset-ms", po::value<int64_t>(&f.clock_offset_ms)->default_value(0),
       "TEST ONLY: shift this node's wall clock (clock-fault injection)")
      ("unsafe-local-reads", po::bool_switch(&f.unsafe_local_reads),
       "TEST ONLY, BREAKS LINEARIZABILITY: answer linearizable reads from local state without "
       "a read barrier (proves the Jepsen checker catches stale reads)");
  po::variables_map vm;
  try {
    // No positional arguments: an empty description makes boost refuse a stray word (by
    // default it would silently drop it, hiding a typo such as a flag missing its "--").
    const po::positional_options_description none;
    po::store(po::command_line_parser(argc, argv).options(desc).positional(none).run(), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(e.what());
  }
  std::ostringstream help;
  help << desc;
  f.help_text = help.str();
  if (vm.count("help")) {
    f.help = true;
    return f;
  }
  if (f.id == 0) return Status::InvalidArgument("--id must be > 0");
  Result<HostPort> client = ParseHostPort(listen_client);
  if (!client.ok()) return Status::InvalidArgument("--listen-client: " + client.status().message());
  f.listen_client = *client;
  Result<HostPort> peer = ParseHostPort(listen_peer);
  if (!peer.ok()) return Status::InvalidArgument("--listen-peer: " + peer.status().message());
  f.listen_peer = *peer;
  if (initial_cluster.empty()) {
    if (!f.join) f.initial_cluster[f.id] = f.listen_peer;
  } else {
    Result<std::map<uint64_t, HostPort>> members = ParseInitialCluster(initial_cluster);
    if (!members.ok()) return Status::InvalidArgument("--initial-cluster: " + members.status().message());
    f.initial_cluster = *members;
    if (!f.join && !f.initial_cluster.count(f.id)) {
      return Status::InvalidArgument("--initial-cluster does not include this node's --id " +
                                     std::to_string(f.id));
    }
  }
  if (f.data_dir.empty()) return Status::InvalidArgument("--data-dir must not be empty");
  if (f.tick_ms <= 0) return Status::InvalidArgument("--tick-ms must be > 0");
  if (f.heartbeat_ticks <= 0) return Status::InvalidArgument("--heartbeat-ticks must be > 0");
  if (f.election_ticks <= f.heartbeat_ticks) {
    return Status::InvalidArgument("--election-ticks must exceed --heartbeat-ticks");
  }
  if (f.request_timeout_ms <= 0) return Status::InvalidArgument("--request-timeout-ms must be > 0");
  if (f.leader_wait_ms < 0) return Status::InvalidArgument("--leader-wait-ms must be >= 0");
  if (f.header_timeout_ms <= 0 || f.body_timeout_ms <= 0 || f.idle_timeout_ms <= 0) {
    return Status::InvalidArgument("--header-timeout-ms, --body-timeout-ms and --idle-timeout-ms must be > 0");
  }
  if (!(f.keepalive_rate >= 0)) return Status::InvalidArgument("--keepalive-rate must be >= 0");
  if (f.max_connections <= 0) return Status::InvalidArgument("--max-connections must be > 0");
  if (f.max_watchers <= 0 || f.watch_queue_events <= 0 || f.watch_history_events < 0 ||
      f.watch_progress_ms <= 0 || f.watch_poll_timeout_ms < 0) {
    return Status::InvalidArgument(
        "--max-watchers, --watch-queue-events, --watch-progress-ms must be > 0; "
        "--watch-history-events, --watch-poll-timeout-ms >= 0");
  }
  if (f.http_threads < 0) return Status::InvalidArgument("--http-threads must be >= 0");
  if (f.max_data_bytes == 0 || f.max_path_bytes == 0) {
    return Status::InvalidArgument("--max-data-bytes and --max-path-bytes must be > 0");
  }
  if (f.session_min_ttl_ms <= 0 || f.session_max_ttl_ms < f.session_min_ttl_ms) {
    return Status::InvalidArgument("session TTL bounds must satisfy 0 < min <= max");
  }
  if (f.max_body_bytes < f.max_data_bytes) {
    return Status::InvalidArgument("--max-body-bytes must be at least --max-data-bytes");
  }
  return f;
}

}  // namespace coord::api
