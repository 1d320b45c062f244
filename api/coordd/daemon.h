// Daemon: one coordd process's parts, started in dependency order and stopped in reverse.
//
// Start: data directory (LeveldbStorage, refusing a corrupt or foreign one with the storage's
// message) -> Raft peer transport (binds --listen-peer) -> the replicated store -> RaftNode ->
// the API service -> the HTTP server (binds --listen-client) -> background duties. Any failure
// undoes what was started and returns a Status whose message names the flag or directory at
// fault, e.g. "--listen-client 127.0.0.1:7379: bind 127.0.0.1:7379: Address already in use".
//
// Stop (SIGTERM): the duties stop; the RaftNode stops (pending requests answer 503
// SHUTTING_DOWN); the HTTP server finishes or cuts what remains within 2 s; the completion
// threads are joined; the transport closes; the storage is closed last. Everything durable
// was fsynced when it was acknowledged, so a stop at any point loses nothing acknowledged.
//
// Thread-safety: Start and Stop from the main thread only.
#pragma once

#include <memory>

#include "api/coordd/flags.h"
#include "raft/status.h"

namespace coord::api {

class Daemon {
 public:
  static raft::Result<std::unique_ptr<Daemon>> Start(const CoorddFlags& flags);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Graceful stop; idempotent.
  void Stop();

 private:
  struct Parts;
  explicit Daemon(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

// The transport's numeric cluster id for a --cluster-id name (FNV-1a, never 0).
uint64_t NumericClusterId(const std::string& name);

}  // namespace coord::api
