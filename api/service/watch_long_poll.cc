#include "api/service/watch_long_poll.h"

#include <memory>
#include <mutex>

#include "api/service/watch_json.h"
#include "api/service/watch_registration.h"

namespace coord::api::service {
namespace {

class LongPoll : public std::enable_shared_from_this<LongPoll> {
 public:
  explicit LongPoll(SharedResponder responder) : responder_(std::move(responder)) {}

  void Attach(std::shared_ptr<watch::Watcher> watcher) {
    std::lock_guard<std::mutex> lock(mu_);
    watcher_ = std::move(watcher);
  }

  // Answers if there is something to answer with (or the time is up); otherwise the drain
  // has re-armed the watcher's callback and the poll goes on.
  void Finish(bool timed_out) {
    std::lock_guard<std::mutex> lock(mu_);
    if (done_ || !watcher_) return;
    watch::Delivery d = watcher_->Drain();
    if (d.batches.empty() && !d.closed && !timed_out) return;
    done_ = true;
    watcher_.reset();  // cancels the watch
    // A watcher closed by a snapshot install (or its session's end) with nothing to deliver
    // is the client's cue to re-read; one cut for a long replay just answers what it has.
    if (d.closed && !d.reason.ok() && d.batches.empty() &&
        d.reason.code() != watch::Code::kWatcherTooSlow) {
      return ReplyError(responder_, FromWatch(d.reason));
    }
    Reply(responder_, nlohmann::json{{"events", EventsToJson(d.batches)}, {"zxid", d.position}});
  }

 private:
  std::mutex mu_;
  SharedResponder responder_;
  std::shared_ptr<watch::Watcher> watcher_;  // GUARDED_BY(mu_)
  bool done_ = false;                        // GUARDED_BY(mu_)
};

}  // namespace

void StartLongPoll(const ServiceContext& ctx, WatchQuery query, SharedResponder responder) {
  auto poll = std::make_shared<LongPoll>(responder);
  std::weak_ptr<LongPoll> weak = poll;
  Replica* replica = ctx.replica;
  auto on_ready = [weak, replica] {
    replica->RunAfter(std::chrono::milliseconds(0), [weak] {
      if (auto p = weak.lock()) p->Finish(false);
    });
  };
  ApiResult<std::shared_ptr<watch::Watcher>> watcher =
      RegisterWatch(ctx.hub, query.spec, query.since, 0, on_ready);
  if (!watcher.ok()) return ReplyWatchError(responder, watcher.error());
  poll->Attach(std::move(*watcher));
  poll->Finish(false);  // the replay of the history may already be there
  // The timer keeps the poll alive until the timeout; an answered poll holds no watcher.
  replica->RunAfter(query.timeout, [poll] { poll->Finish(true); });
}

}  // namespace coord::api::service
