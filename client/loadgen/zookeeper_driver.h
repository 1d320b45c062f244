// The ZooKeeper target of coord-load, through ZooKeeper's own C client (Debian's
// libzookeeper-mt): the same workloads and the same accounting as the HTTP targets, so the
// three systems are compared under one load shape.
//
// Each client keeps one request in flight, as an HTTP connection does. A client is a session of
// its own up to kMaxZooKeeperSessions; beyond that, clients share sessions round-robin (each
// session pipelines its clients' requests on one connection, and every session costs the C
// client two threads). Reads: `get-serializable` is a plain read of the server's replica;
// `get` is ZooKeeper's way to a linearizable read, sync() then read, timed together.
// `keepalive` has no equivalent (sessions ping on their own) and is refused.
#pragma once

#include <cstdint>
#include <string>

#include "client/loadgen/load_runner.h"

namespace coord::loadgen {

inline constexpr int kMaxZooKeeperSessions = 64;

// False when coord-load was built without libzookeeper-mt (the ZooKeeper target then fails
// with a clear error instead of being absent from --help).
bool ZooKeeperSupported();

// Writes keys 0..n-1 under options.prefix (creating the prefix).
RunResult ZooKeeperPopulate(const LoadOptions& options, uint64_t n);
// The timed run of options.workload.
RunResult ZooKeeperRun(const LoadOptions& options);

}  // namespace coord::loadgen
