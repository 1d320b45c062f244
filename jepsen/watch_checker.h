// The watch workload's checker: every watcher sees the same events, in zxid order, with no gaps.
//
// History (docs/jepsen.md); event names are the watch API's (docs/watch.md):
//   writers  f = "create" | "set" | "delete", key = path; the ok completion carries "zxid".
//   watchers f = "watch", key = the watched path; the ok completion carries "zxid" = s, the
//            zxid after which events are delivered. Then one record per thing received, a
//            notification (type "ok", f "event", no invoke) with "zxid" z and as value:
//              "created" | "data_changed" | "deleted" | "children_changed" | ...  (key = path)
//              "progress"  a position bookmark: every matching event up to z was delivered
//              "resync"    the watch was compacted (WATCH_COMPACTED); the client re-read the
//                          state at z and watches again from z (key = the watched path)
// A watcher is one process: its range starts after the zxid of its first ok watch (or just
// before its first event if that is missing) and ends at the last zxid it received or was told
// (progress). Events after that are not checked: a run should end with progress bookmarks.
//
// Truth is every event some client received plus the event each ok write implies (create →
// created, set → data_changed, delete → deleted, at its zxid). Anomalies:
//   watch-reorder      an event with a lower zxid than one received before it, or a progress
//                      position below one already received
//   watch-duplicate    the same (zxid, type, path) received twice
//   watch-gap          a truth event inside a watcher's range it never received (resync ranges
//                      excepted)
//   watch-disagreement a watcher received zxid z but with other events, or in another order,
//                      than another watcher or the write at z
//   watch-phantom      a created / data_changed / deleted no write explains: the ok write at
//                      its zxid was something else, or no such write on that path was attempted
//                      before it was received (other event types are only compared between
//                      watchers)
// Valid needs at least one event received; with none the verdict is unknown. Pure.
#pragma once

#include "jepsen/check_result.h"
#include "jepsen/operation.h"

namespace coord::jepsen {

// InvalidArgument (naming the line) for an event without an integer "zxid" or a string value,
// or an unknown f.
Result<CheckResult> CheckWatchHistory(const PairedHistory& history);

}  // namespace coord::jepsen
