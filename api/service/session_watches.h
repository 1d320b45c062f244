// SessionWatches: the one-shot watches set by reads (`GET /v1/nodes/<path>?watch=...` with a
// Coord-Session header), collected per session and delivered through
// `GET /v1/sessions/<id>/events` (a long-poll), the ZooKeeper way: a watch belongs to the
// client's session and its notification arrives on the session's channel.
//
// Each session has a mailbox: its live one-shot watchers, and the notifications of those that
// fired and were not yet fetched. A poll answers at once when notifications are waiting,
// otherwise when the next one arrives or at its timeout. When the session is gone from the
// applied state (closed or expired), its mailbox is dropped: the watches are cancelled and a
// poll answers 410 SESSION_EXPIRED (the ephemerals' deletions, which fired the watches set on
// them, are delivered first when they were collected before the end was seen).
//
// Bounds: at most `max_per_session` one-shot watches live per session (beyond: 429
// TOO_MANY_WATCHERS); the node-wide --max-watchers applies as for every watch.
//
// Thread-safety: every member from any thread; one mutex for the table, one per mailbox.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "api/service/reply.h"
#include "api/service/replica.h"
#include "watch/watch_hub.h"

namespace coord::api::service {

class SessionWatches {
 public:
  SessionWatches(watch::WatchHub* hub, Replica* replica, size_t max_per_session = 1000);
  ~SessionWatches();

  // Registers a one-shot watch for `session_id` that starts after `since` (the zxid of the
  // read that set it, so nothing between the read and the registration is lost).
  ApiResult<bool> Add(uint64_t session_id, watch::WatchSpec spec, uint64_t since);

  // Answers `responder` with {"events": [...]} once there are notifications for the session,
  // or with an empty list after `timeout`; 410 SESSION_EXPIRED once the session is gone. A
  // second poll for the same session answers the first one (empty) and takes its place.
  void Poll(uint64_t session_id, std::chrono::milliseconds timeout, SharedResponder responder);

  // Drops the mailboxes of sessions no longer in the applied state (called periodically).
  void Sweep();

  size_t sessions() const;

 private:
  struct Mailbox;
  std::shared_ptr<Mailbox> Find(uint64_t session_id, bool create);
  void Collect(const std::shared_ptr<Mailbox>& box);
  bool SessionLive(uint64_t session_id) const;
  void Drop(uint64_t session_id);

  watch::WatchHub* const hub_;
  Replica* const replica_;
  const size_t max_per_session_;
  mutable std::mutex mu_;
  std::map<uint64_t, std::shared_ptr<Mailbox>> boxes_;  // GUARDED_BY(mu_)
};

}  // namespace coord::api::service
