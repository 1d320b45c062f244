// The report's anomaly timeline: the operations an anomaly involves, one row per process, each
// a bar from invoke to completion (ok / fail / info colours; an info bar continues dashed to the
// right edge because its effect may land any time later; the culprits outlined). Notifications
// are diamonds. Fault windows in view are shaded. Returns inline SVG. Pure.
#pragma once

#include <string>
#include <vector>

#include "jepsen/check_result.h"
#include "jepsen/nemesis_log.h"
#include "jepsen/operation.h"

namespace coord::jepsen {

// Label of an operation in timelines and tables: DescribeOperation plus "@zxid" when the
// completion carries one.
std::string OperationLabel(const PairedHistory& history, const Operation& op);

std::string RenderTimeline(const PairedHistory& history, const Anomaly& anomaly,
                           const std::vector<FaultWindow>& faults);

}  // namespace coord::jepsen
