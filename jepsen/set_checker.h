// The set workload's checker: no acknowledged add is lost, nothing appears that was not added.
//
// History (docs/jepsen.md): f = "add" with the element (an integer, unique per add) as value;
// f = "read" with value null on invoke and, on ok, the array of elements present. The `key`
// names the set: sets of different keys are independent and checked apart (operations without a
// key form one set). The harness ends a run with final reads after healing every fault.
//
// An element must be present in every read invoked after it became visible for sure — after its
// add was acknowledged (ok), or after an earlier read that had returned it completed. Missing
// from such a read: "lost". Present in a read although it was never added, only in adds that
// failed, or only in adds invoked after the read returned: "phantom". `info` adds may be present
// or not ("recovered" counts the ones that are), but once seen they may not vanish either.
//
// Valid needs an ok read of every set that has adds, and every acknowledged add to be followed
// by a read of its set invoked after its acknowledgement; otherwise (no final read) the verdict
// is unknown. Anomalies of a history with several sets name the set. Pure.
#pragma once

#include "jepsen/check_result.h"
#include "jepsen/operation.h"

namespace coord::jepsen {

// InvalidArgument (naming the line) for an add whose value is not an integer, an ok read whose
// value is not an array of integers, or another f.
Result<CheckResult> CheckSetHistory(const PairedHistory& history);

}  // namespace coord::jepsen
