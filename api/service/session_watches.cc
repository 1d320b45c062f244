#include "api/service/session_watches.h"

#include <string>
#include <utility>
#include <vector>

#include "api/service/watch_json.h"
#include "api/service/watch_registration.h"

namespace coord::api::service {

using nlohmann::json;

struct SessionWatches::Mailbox {
  struct Entry {
    watch::WatchSpec spec;
    std::shared_ptr<watch::Watcher> watcher;
  };
  std::mutex mu;
  std::vector<Entry> entries;    // GUARDED_BY(mu) live one-shot watches
  json ready = json::array();    // GUARDED_BY(mu) fired, not yet fetched
  SharedResponder waiting;       // GUARDED_BY(mu) the parked poll, if any
  uint64_t poll_seq = 0;         // GUARDED_BY(mu) which parked poll a timer belongs to
  bool end_seen = false;         // GUARDED_BY(mu) a sweep found the session gone
};

namespace {

ApiError Expired(uint64_t session_id) {
  return ApiError(ErrorCode::kSessionExpired,
                  "session " + std::to_string(session_id) + " has expired or was closed");
}

void Answer(const SharedResponder& responder, json events) {
  Reply(responder, json{{"events", std::move(events)}});
}

}  // namespace

SessionWatches::SessionWatches(watch::WatchHub* hub, Replica* replica, size_t max_per_session)
    : hub_(hub), replica_(replica), max_per_session_(max_per_session) {}

SessionWatches::~SessionWatches() = default;

bool SessionWatches::SessionLive(uint64_t session_id) const {
  return replica_->View()->GetSession(session_id).has_value();
}

std::shared_ptr<SessionWatches::Mailbox> SessionWatches::Find(uint64_t session_id, bool create) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = boxes_.find(session_id);
  if (it != boxes_.end()) return it->second;
  if (!create) return nullptr;
  auto box = std::make_shared<Mailbox>();
  boxes_.emplace(session_id, box);
  return box;
}

ApiResult<bool> SessionWatches::Add(uint64_t session_id, watch::WatchSpec spec, uint64_t since) {
  std::shared_ptr<Mailbox> box = Find(session_id, true);
  {
    std::lock_guard<std::mutex> lock(box->mu);
    if (box->entries.size() >= max_per_session_) {
      return ApiError(ErrorCode::kTooManyWatchers,
                      "session " + std::to_string(session_id) + " already has " +
                          std::to_string(max_per_session_) + " pending watches");
    }
  }
  std::weak_ptr<Mailbox> weak = box;
  ApiResult<std::shared_ptr<watch::Watcher>> w =
      RegisterWatch(hub_, spec, since, session_id, [this, weak] {
        replica_->RunAfter(std::chrono::milliseconds(0), [this, weak] {
          if (auto b = weak.lock()) Collect(b);
        });
      });
  if (!w.ok()) return w.error();
  {
    std::lock_guard<std::mutex> lock(box->mu);
    box->entries.push_back({std::move(spec), std::move(*w)});
  }
  Collect(box);  // the first drain arms the watcher (and takes a replayed firing)
  return true;
}

void SessionWatches::Collect(const std::shared_ptr<Mailbox>& box) {
  std::lock_guard<std::mutex> lock(box->mu);
  for (size_t i = 0; i < box->entries.size();) {
    Mailbox::Entry& e = box->entries[i];
    watch::Delivery d = e.watcher->Drain();
    for (const watch::EventBatch& b : d.batches) {
      for (const store::Event& ev : b.events) {
        json n = EventToJson(ev);
        n["watch"] = {{"path", e.spec.path}, {"kind", watch::WatchKindName(e.spec.kind)}};
        box->ready.push_back(std::move(n));
      }
    }
    if (d.closed) {
      box->entries.erase(box->entries.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  if (box->waiting && !box->ready.empty()) {
    Answer(box->waiting, std::exchange(box->ready, json::array()));
    box->waiting.reset();
  }
}

void SessionWatches::Poll(uint64_t session_id, std::chrono::milliseconds timeout,
                          SharedResponder responder) {
  const bool live = SessionLive(session_id);
  std::shared_ptr<Mailbox> box = Find(session_id, live);
  if (box) Collect(box);
  if (!live) {
    // What fired before the end was seen is still delivered; then the session is gone.
    if (box) {
      std::lock_guard<std::mutex> lock(box->mu);
      if (!box->ready.empty()) return Answer(responder, std::exchange(box->ready, json::array()));
    }
    Drop(session_id);
    return ReplyError(responder, Expired(session_id));
  }
  uint64_t seq = 0;
  {
    std::lock_guard<std::mutex> lock(box->mu);
    if (!box->ready.empty()) return Answer(responder, std::exchange(box->ready, json::array()));
    if (box->waiting) Answer(box->waiting, json::array());
    box->waiting = std::move(responder);
    seq = ++box->poll_seq;
  }
  std::weak_ptr<Mailbox> weak = box;
  replica_->RunAfter(timeout, [weak, seq] {
    auto b = weak.lock();
    if (!b) return;
    std::lock_guard<std::mutex> lock(b->mu);
    if (b->waiting && b->poll_seq == seq) {
      Answer(b->waiting, json::array());
      b->waiting.reset();
    }
  });
}

void SessionWatches::Drop(uint64_t session_id) {
  std::shared_ptr<Mailbox> box;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = boxes_.find(session_id);
    if (it == boxes_.end()) return;
    box = std::move(it->second);
    boxes_.erase(it);
  }
  std::lock_guard<std::mutex> lock(box->mu);
  if (box->waiting) {
    ReplyError(box->waiting, Expired(session_id));
    box->waiting.reset();
  }
  box->entries.clear();  // cancels the watches
}

void SessionWatches::Sweep() {
  std::vector<uint64_t> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, box] : boxes_) ids.push_back(id);
  }
  for (uint64_t id : ids) {
    if (SessionLive(id)) continue;
    std::shared_ptr<Mailbox> box = Find(id, false);
    if (!box) continue;
    Collect(box);
    // A parked poll takes what fired (the ephemerals' deletions); the next one learns the end.
    // Kept for one sweep interval at most, so an unfetched mailbox does not outlive it.
    bool keep = false;
    {
      std::lock_guard<std::mutex> lock(box->mu);
      keep = !box->ready.empty() && !box->end_seen;
      box->end_seen = true;
      box->entries.clear();
    }
    if (!keep) Drop(id);
  }
}

size_t SessionWatches::sessions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return boxes_.size();
}

}  // namespace coord::api::service
