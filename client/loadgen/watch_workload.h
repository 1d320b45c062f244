// The watch fan-out workload (`coord-load --workload watch`, coord only): how fast a write
// reaches many watchers, and whether all of them get the same writes.
//
//  1. The probe (one connection to the first target) writes its key, <prefix>/watch-probe; its
//     zxid Z is where every stream starts (since=Z), so that on whichever node, and whenever
//     it is registered, each stream must read exactly the writes after Z.
//  2. `watchers` SSE streams watch the prefix recursively, round-robin over the targets; the
//     writers start once every stream has answered (or failed, or 30 s passed).
//  3. `concurrency` connections set existing keys (as the `set` workload) for warmup +
//     duration, while the probe rewrites its key, one write after the other.
//  4. Once the writers have stopped, the probe writes the end fence (zxid F); each stream that
//     reads F has read the whole run. After up to 10 s for that, the streams are closed and
//     their tallies compared (delivery_check.h).
//
// The result: ok = messages (one per write) read by all streams during the measured window,
// so throughput = events delivered per second over all watchers; latency = from the probe
// write being sent to its event being read, per stream, for probe writes sent in the window;
// errors = the streams' (watch_stream.h), the writers' ("write: http_503", ...), the probe's
// ("probe: ...") and the delivery check's; figures = streams open, the writers' writes/s and
// latency, probe writes.
//
// Thread-safety: runs on the calling thread (the probe's pacing and the phases) and
// `threads` I/O threads (every connection); returns once they have stopped.
#pragma once

#include "client/loadgen/load_options.h"
#include "client/loadgen/load_runner.h"

namespace coord::loadgen {

RunResult RunWatchWorkload(const LoadOptions& options);

}  // namespace coord::loadgen
