#include "coord/lease_keeper.h"

#include "coord/codec.h"
#include "coord/session_ops.h"

namespace coord::store {
namespace {

int64_t SaturatingAdd(int64_t a, int64_t b) {
  if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
  return a + b;
}

}  // namespace

void LeaseKeeper::OnBecomeLeader(const State& state, int64_t now_ms) {
  OnStepDown();
  leader_ = true;
  for (auto it = state.sessions.Begin(); it.Valid(); it.Next()) {
    Track(it->id, it->ttl_ms, SaturatingAdd(now_ms, it->ttl_ms));
    highest_seen_ = it->id;
  }
}

void LeaseKeeper::OnStepDown() {
  leader_ = false;
  highest_seen_ = 0;
  sessions_.clear();
  by_deadline_.clear();
}

void LeaseKeeper::Track(uint64_t id, int64_t ttl_ms, int64_t deadline_ms) {
  sessions_[id] = Tracked{deadline_ms, ttl_ms, false};
  by_deadline_.emplace(deadline_ms, id);
}

void LeaseKeeper::Reschedule(uint64_t id, Tracked& t, int64_t deadline_ms) {
  by_deadline_.erase({t.deadline_ms, id});
  t.deadline_ms = deadline_ms;
  by_deadline_.emplace(deadline_ms, id);
}

void LeaseKeeper::DiscoverNew(const State& state, int64_t now_ms) {
  for (auto it = state.sessions.LowerBound(highest_seen_ + 1); it.Valid(); it.Next()) {
    Track(it->id, it->ttl_ms, SaturatingAdd(now_ms, it->ttl_ms));
    highest_seen_ = it->id;
  }
}

Status LeaseKeeper::Keepalive(const State& state, uint64_t session_id, int64_t now_ms) {
  if (!leader_) return Error(Code::kInvalidArgument, "keepalive sent to a non-leader");
  DiscoverNew(state, now_ms);
  auto it = sessions_.find(session_id);
  if (!FindSession(state, session_id)) {
    if (it != sessions_.end()) {
      by_deadline_.erase({it->second.deadline_ms, session_id});
      sessions_.erase(it);
    }
    return Error(Code::kSessionExpired, "no session " + std::to_string(session_id));
  }
  if (it == sessions_.end()) {  // cannot happen while leader, but a session must never go untracked
    const Session* s = FindSession(state, session_id);
    Track(session_id, s->ttl_ms, SaturatingAdd(now_ms, s->ttl_ms));
    return Status::Ok();
  }
  if (it->second.expiring) {
    return Error(Code::kSessionExpired,
                 "session " + std::to_string(session_id) + " is being expired");
  }
  Reschedule(session_id, it->second, SaturatingAdd(now_ms, it->second.ttl_ms));
  return Status::Ok();
}

std::vector<pb::Command> LeaseKeeper::Poll(const State& state, int64_t now_ms,
                                           int64_t stamp_ms) {
  std::vector<pb::Command> out;
  if (!leader_) return out;
  DiscoverNew(state, now_ms);
  while (!by_deadline_.empty() && by_deadline_.begin()->first <= now_ms) {
    const uint64_t id = by_deadline_.begin()->second;
    Tracked& t = sessions_.at(id);
    if (!FindSession(state, id)) {  // closed or already expired: nothing left to decide
      by_deadline_.erase(by_deadline_.begin());
      sessions_.erase(id);
      continue;
    }
    out.push_back(MakeCommand(CommandHeader{stamp_ms, 0, 0}, ExpireSessionRequest{id}));
    t.expiring = true;
    Reschedule(id, t, SaturatingAdd(now_ms, retry_ms_));
  }
  return out;
}

std::optional<int64_t> LeaseKeeper::NextDeadline() const {
  if (by_deadline_.empty()) return std::nullopt;
  return by_deadline_.begin()->first;
}

std::optional<int64_t> LeaseKeeper::DeadlineOf(uint64_t session_id) const {
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return std::nullopt;
  return it->second.deadline_ms;
}

}  // namespace coord::store
