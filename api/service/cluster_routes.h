// Cluster and process state:
//   GET /v1/cluster  {"leader": id | null, "term", "self", "members": [{"id", "role", "voter",
//                    "peer", "client", "commit", "applied", "reported_ms_ago"}]}
//   GET /health      200 while the process serves HTTP (liveness)
//   GET /ready       200 once there is a leader and this node is caught up, i.e. a
//                    linearizable read barrier completes within ready_timeout; else 503
//                    NOT_READY (readiness: send traffic here)
// Membership and roles come from Raft; other members' client addresses and progress from
// the member directory (member_directory.h), as fresh as their last report to the leader.
// This node's own entry is always current.
#pragma once

#include "api/http/router.h"
#include "api/service/service_context.h"

namespace coord::api::service {

void AddClusterRoutes(http::Router& router, const ServiceContext& context);

}  // namespace coord::api::service
