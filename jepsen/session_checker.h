// The sessions workload's checker: ephemeral nodes live exactly as long as their session.
//
// History (docs/jepsen.md), one session per client; a session id is the `value`, a decimal
// string as the HTTP API gives it (or an integer):
//   open       invoke value {"ttl_ms": T}; ok value {"session": id, "ttl_ms": granted}
//   keepalive  value id
//   create     key = the ephemeral's path, value id
//   close      value id
//   abandon    value id: the client stops sending keepalives (a local decision, invoke then ok)
//   exists     key = path; ok value true / false
//   list       key = parent path; ok value = array of child paths (full, or names under key)
//
// Rules, with the server's promise "a session does not expire within TTL of the last keepalive
// it received" and "a session that answered a keepalive was alive then":
//  * kept alive: an ephemeral created (ok) is present in every observation that starts after
//    the create returned and ends before G = max(invoke + TTL) over the session's ok open and ok
//    keepalives, unless a close was invoked first. Absent: "ephemeral-lost".
//  * abandoned (or closed with an unknown outcome): from the last contact L (the latest
//    completion of its open, keepalives and close) the session's ephemerals must be gone by
//    D = L + TTL + expiry_bound; a fault window that starts before D pushes D to its end +
//    TTL + expiry_bound (a new leader restarts every lease on election). An observation that
//    starts after D and still sees one: "ephemeral-lingered".
//  * closed (ok): its ephemerals are gone in every observation that starts after the close
//    returned; else "ephemeral-lingered".
// Each ephemeral is reported once, at the first observation that convicts it. An abandoned
// session's ephemeral never observed after D leaves the verdict unknown. Pure.
#pragma once

#include <chrono>
#include <vector>

#include "jepsen/check_result.h"
#include "jepsen/nemesis_log.h"
#include "jepsen/operation.h"

namespace coord::jepsen {

struct SessionCheckOptions {
  // How long past last contact + TTL the cluster may take to delete an expired session's
  // ephemerals: the leader checks deadlines at least every few hundred ms, commits the expiry
  // through Raft, and a keepalive given up on by the client may still be in flight. 5 s is
  // generous for a healthy cluster; faults are accounted for separately (see above).
  std::chrono::nanoseconds expiry_bound = std::chrono::seconds(5);
};

// InvalidArgument (naming the line) for records that do not fit the format above.
Result<CheckResult> CheckSessionHistory(const PairedHistory& history,
                                        const std::vector<FaultWindow>& faults,
                                        const SessionCheckOptions& options = {});

}  // namespace coord::jepsen
