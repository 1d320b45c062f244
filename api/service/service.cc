#include "api/service/service.h"

#include "api/service/cluster_routes.h"
#include "api/service/node_reads.h"
#include "api/service/node_writes.h"
#include "api/service/session_routes.h"
#include "api/service/txn_routes.h"
#include "api/service/watch_routes.h"

namespace coord::api::service {

Service::Service(raft::RaftNode* node, PublishedStore* store, watch::WatchHub* hub,
                 const LeaderWatch* leader, http::MetricsRegistry* metrics, ServiceOptions options)
    : node_(node), hub_(hub), leader_(leader), options_(std::move(options)) {
  replica_ = std::make_unique<Replica>(node, store, leader, options_.replica);
  members_ = std::make_unique<MemberDirectory>(options_.self);
  duties_ = std::make_unique<LeaderDuties>(replica_.get(), leader, options_.duties);
  calls_ = std::make_unique<LeaderCallHandler>(duties_.get(), members_.get(), replica_.get());
  metrics_ = std::make_unique<ServiceMetrics>(metrics, replica_.get(), leader, duties_.get(), hub);
  session_watches_ = std::make_unique<SessionWatches>(hub, replica_.get());
}

Service::~Service() { Shutdown(); }

void Service::AddRoutes(http::Router& router) {
  ServiceContext ctx;
  ctx.replica = replica_.get();
  ctx.leader = leader_;
  ctx.members = members_.get();
  ctx.ready_timeout = options_.ready_timeout;
  ctx.hub = hub_;
  ctx.watch_limits = options_.watch_limits;
  ctx.session_watches = session_watches_.get();
  AddNodeReadRoutes(router, ctx);
  AddNodeWriteRoutes(router, ctx);
  AddTxnRoutes(router, ctx);
  AddSessionRoutes(router, ctx);
  AddClusterRoutes(router, ctx);
  AddWatchRoutes(router, ctx);
  metrics_->AddRoute(router);
}

void Service::Start() {
  node_->SetLeaderCallHandler(
      [calls = calls_.get()](std::string_view payload) { return calls->Handle(payload); });
  duties_->Start();
  replica_->RunAfter(std::chrono::milliseconds(0), [this] { Announce(); });
  replica_->RunAfter(options_.metrics_interval, [this] { RefreshMetrics(); });
  replica_->RunAfter(options_.watch_progress_interval, [this] { EmitWatchProgress(); });
}

void Service::Stop() {
  stopped_.store(true);
  duties_->Stop();
}

void Service::Shutdown() {
  Stop();
  replica_->Stop();
}

void Service::Announce() {
  if (stopped_.load()) return;
  // The leader needs no announcement: it answers with its own fresh entry.
  if (leader_->leader() != 0 && leader_->leader() != replica_->id()) {
    pb::LeaderCall call;
    *call.mutable_announce()->mutable_self() = calls_->SelfReport();
    // Straight to the node, no waiting for a leader: the next round tries again.
    node_->CallLeader(EncodeCall(call), [this](raft::Result<std::string> answer) {
      if (!answer.ok()) return;
      ApiResult<pb::LeaderReply> reply = DecodeReply(*answer, pb::LeaderReply::kAnnounce);
      if (reply.ok()) members_->Merge(reply->announce().members());
    });
  }
  replica_->RunAfter(options_.announce_interval, [this] { Announce(); });
}

void Service::RefreshMetrics() {
  if (stopped_.load()) return;
  metrics_->Refresh();
  replica_->RunAfter(options_.metrics_interval, [this] { RefreshMetrics(); });
}

void Service::EmitWatchProgress() {
  if (stopped_.load()) return;
  hub_->EmitProgress();
  session_watches_->Sweep();
  replica_->RunAfter(options_.watch_progress_interval, [this] { EmitWatchProgress(); });
}

}  // namespace coord::api::service
