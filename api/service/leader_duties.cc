#include "api/service/leader_duties.h"

#include <vector>

#include "coord/session_ops.h"
#include "raft/log.h"

namespace coord::api::service {

LeaderDuties::LeaderDuties(Replica* replica, const LeaderWatch* leader,
                           LeaderDutiesOptions options)
    : replica_(replica),
      leader_(leader),
      options_(options),
      keeper_(options.retry_ms),
      reaper_(options.retry_ms),
      limiter_(options.keepalive_rate, options.keepalive_burst) {}

void LeaderDuties::Start() {
  replica_->RunAfter(options_.poll_interval, [this] { Poll(); });
}

void LeaderDuties::Stop() { stopped_.store(true); }

void LeaderDuties::Reconcile(bool want, uint64_t term, const store::State& state,
                             int64_t now_ms) {
  if (want && (!keeper_.is_leader() || term != duties_term_)) {
    keeper_.OnBecomeLeader(state, now_ms);
    reaper_.OnBecomeLeader();
    limiter_.Clear();
    duties_term_ = term;
    raft::Log(raft::LogLevel::kInfo, "leader_duties_started", "node", replica_->id(), "term",
              term, "sessions", state.sessions.size());
  } else if (!want && keeper_.is_leader()) {
    keeper_.OnStepDown();
    reaper_.OnStepDown();
    limiter_.Clear();
    duties_term_ = 0;
    raft::Log(raft::LogLevel::kInfo, "leader_duties_stopped", "node", replica_->id());
  }
}

bool LeaderDuties::CaughtUpWithTerm(uint64_t applied_zxid) const {
  const uint64_t term_start = replica_->node().term_start_index();
  return term_start != 0 && applied_zxid >= term_start;
}

void LeaderDuties::Poll() {
  if (stopped_.load()) return;
  std::vector<store::pb::Command> expiries;
  std::vector<store::pb::Command> reaps;
  uint64_t term = 0;
  {
    const ViewPtr view = replica_->View();
    const int64_t now = replica_->NowMs();
    const int64_t steady = Replica::SteadyMs();
    // leader() before term(): LeaderWatch stores the term first, so the term read is at least
    // as new as the leader read (a newer term only makes the proposals below be dropped).
    const bool leading = leader_->leader() == replica_->id();
    term = leader_->term();
    std::lock_guard<std::mutex> lock(mu_);
    Reconcile(leading, term, view->state(), steady);
    if (keeper_.is_leader()) {
      expiries = keeper_.Poll(view->state(), steady, now);
      reaps = reaper_.Poll(view->state(), now);
      limiter_.Prune(steady);
    }
  }
  // Fire and forget: the outcome is re-checked at apply, and the keeper and reaper propose
  // again after retry_ms whatever did not apply.
  for (const auto& c : expiries) {
    raft::Log(raft::LogLevel::kInfo, "session_expiry_proposed", "session",
              c.expire_session().session_id(), "term", term);
    replica_->node().ProposeInTerm(c.SerializeAsString(), term, [](raft::Result<std::string>) {});
  }
  for (const auto& c : reaps) {
    replica_->node().ProposeInTerm(c.SerializeAsString(), term, [](raft::Result<std::string>) {});
  }
  expiries_proposed_.fetch_add(expiries.size());
  reaps_proposed_.fetch_add(reaps.size());
  replica_->RunAfter(options_.poll_interval, [this] { Poll(); });
}

pb::KeepaliveReply LeaderDuties::Keepalive(uint64_t session_id) {
  pb::KeepaliveReply reply;
  const ViewPtr view = replica_->View();
  if (!CaughtUpWithTerm(view->zxid())) {
    reply.set_outcome(pb::KEEPALIVE_LEADER_NOT_READY);
    return reply;
  }
  const int64_t now = Replica::SteadyMs();
  const store::Session* session = store::FindSession(view->state(), session_id);
  if (!session) {
    // Session ids are the zxids of their open entries: an id beyond what this leader has
    // applied names a session opened in an entry it has not applied yet (its client heard of
    // it from a faster replica). It is alive, and will get a full TTL once discovered.
    if (session_id > view->zxid()) return reply;
    reply.set_outcome(pb::KEEPALIVE_EXPIRED);
    return reply;
  }
  reply.set_ttl_ms(session->ttl_ms);
  std::lock_guard<std::mutex> lock(mu_);
  // The runtime calls this handler only while this node is the leader (on the Raft thread,
  // which has already reported the change, so the LeaderWatch's term is this leader's), and
  // the keeper may be brought in line at once.
  Reconcile(true, leader_->term(), view->state(), now);
  if (!limiter_.Allow(session_id, now)) {
    rate_limited_.fetch_add(1);
    reply.set_outcome(pb::KEEPALIVE_RATE_LIMITED);
    return reply;
  }
  store::Status s = keeper_.Keepalive(view->state(), session_id, now);
  if (!s.ok()) {
    // kSessionExpired while the session is still in the view: its expiry is proposed, not
    // applied. Not final: a leader paused past the deadline, and deposed meanwhile, proposes
    // expiries that never commit, and its successor keeps the session alive. Only an applied
    // expiry is answered EXPIRED (above).
    reply.set_outcome(pb::KEEPALIVE_EXPIRY_PENDING);
    return reply;
  }
  std::optional<int64_t> deadline = keeper_.DeadlineOf(session_id);
  reply.set_remaining_ms(deadline ? *deadline - now : session->ttl_ms);
  return reply;
}

pb::SessionQueryReply LeaderDuties::QuerySession(uint64_t session_id) {
  pb::SessionQueryReply reply;
  const ViewPtr view = replica_->View();
  const int64_t now = Replica::SteadyMs();
  std::lock_guard<std::mutex> lock(mu_);
  Reconcile(true, leader_->term(), view->state(), now);  // as in Keepalive
  if (std::optional<int64_t> deadline = keeper_.DeadlineOf(session_id)) {
    reply.set_tracked(true);
    reply.set_remaining_ms(*deadline - now);
  } else if (const store::Session* session = store::FindSession(view->state(), session_id)) {
    // Opened since the keeper's last poll: it will start with a full TTL when discovered.
    reply.set_tracked(true);
    reply.set_remaining_ms(session->ttl_ms);
  }
  return reply;
}

}  // namespace coord::api::service
