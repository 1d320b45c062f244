#include "api/service/watch_stream.h"

#include <deque>
#include <memory>
#include <mutex>

#include "api/http/stream_writer.h"
#include "api/service/watch_json.h"
#include "api/service/watch_registration.h"

namespace coord::api::service {
namespace {

using nlohmann::json;

class WatchStream : public std::enable_shared_from_this<WatchStream> {
 public:
  WatchStream(Replica* replica, std::chrono::milliseconds heartbeat)
      : replica_(replica), heartbeat_(heartbeat) {}

  void Open(std::shared_ptr<watch::Watcher> watcher, std::shared_ptr<http::StreamWriter> writer) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      watcher_ = std::move(watcher);
      writer_ = writer;
    }
    std::weak_ptr<WatchStream> weak = weak_from_this();
    // The writer holds this callback (and so the stream) until the connection ends.
    writer->OnClose([self = shared_from_this()](const raft::Status&) { self->Stop(); });
    writer->OnDrain([weak] {
      if (auto s = weak.lock()) s->PostPump();
    });
    Pump();
    ScheduleHeartbeat();
  }

  void PostPump() {
    std::weak_ptr<WatchStream> weak = weak_from_this();
    replica_->RunAfter(std::chrono::milliseconds(0), [weak] {
      if (auto s = weak.lock()) s->Pump();
    });
  }

 private:
  // Writes what is pending, then drains the watcher while the socket keeps up.
  void Pump() {
    std::lock_guard<std::mutex> lock(mu_);
    while (!stopped_) {
      if (!WritePending()) return;  // the connection's buffer is full: OnDrain resumes
      if (ending_) {
        stopped_ = true;
        writer_->Close();
        watcher_.reset();
        return;
      }
      watch::Delivery d = watcher_->Drain();
      if (d.batches.empty() && !d.closed && !d.progress) return;  // re-armed: on_ready resumes
      Queue(std::move(d));
    }
  }

  void Queue(watch::Delivery d) {
    for (const watch::EventBatch& b : d.batches) {
      pending_.push_back({"", std::to_string(b.zxid), BatchToJson(b).dump(), std::nullopt});
    }
    if (d.progress && d.batches.empty() && !d.closed) {
      pending_.push_back({"progress", std::to_string(d.position),
                          json{{"zxid", d.position}}.dump(), std::nullopt});
    }
    if (d.closed) {
      json end = {{"resume_since", d.position}};
      if (d.reason.ok()) {
        end["code"] = "FIRED";
        end["message"] = "the one-shot watch fired";
      } else {
        ApiError e = FromWatch(d.reason);
        end["code"] = e.name();
        end["message"] = e.message;
      }
      pending_.push_back({"end", "", end.dump(), std::nullopt});
      ending_ = true;
    }
  }

  // False while the writer is full. REQUIRES: mu_ held.
  bool WritePending() {
    while (!pending_.empty()) {
      raft::Status s = writer_->WriteEvent(pending_.front());
      if (s.code() == raft::Status::Code::kBusy) return false;
      if (!s.ok()) {  // the stream has ended
        stopped_ = true;
        return false;
      }
      pending_.pop_front();
    }
    return true;
  }

  void ScheduleHeartbeat() {
    std::weak_ptr<WatchStream> weak = weak_from_this();
    replica_->RunAfter(heartbeat_, [weak] {
      auto s = weak.lock();
      if (!s) return;
      {
        std::lock_guard<std::mutex> lock(s->mu_);
        if (s->stopped_) return;
        s->writer_->WriteComment("heartbeat");  // Busy is fine: the buffer is not empty anyway
      }
      s->ScheduleHeartbeat();
    });
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    watcher_.reset();
    writer_.reset();
  }

  Replica* const replica_;
  const std::chrono::milliseconds heartbeat_;
  std::mutex mu_;
  std::shared_ptr<watch::Watcher> watcher_;       // GUARDED_BY(mu_)
  std::shared_ptr<http::StreamWriter> writer_;    // GUARDED_BY(mu_)
  std::deque<http::SseEvent> pending_;            // GUARDED_BY(mu_) drained, not yet written
  bool ending_ = false;                           // GUARDED_BY(mu_) the end event is queued
  bool stopped_ = false;                          // GUARDED_BY(mu_)
};

}  // namespace

void StartWatchStream(const ServiceContext& ctx, WatchQuery query, SharedResponder responder) {
  auto stream = std::make_shared<WatchStream>(ctx.replica, ctx.watch_limits.stream_heartbeat);
  std::weak_ptr<WatchStream> weak = stream;
  // Registered before the stream starts, so a refusal is still an HTTP error status.
  ApiResult<std::shared_ptr<watch::Watcher>> watcher =
      RegisterWatch(ctx.hub, query.spec, query.since, 0, [weak] {
        if (auto s = weak.lock()) s->PostPump();
      });
  if (!watcher.ok()) return ReplyWatchError(responder, watcher.error());
  http::StreamOptions options;
  options.max_buffered_bytes = ctx.watch_limits.stream_buffer_bytes;
  options.headers.Set("Cache-Control", "no-cache");
  std::shared_ptr<http::StreamWriter> writer = responder->StartStream(std::move(options));
  stream->Open(std::move(*watcher), std::move(writer));
}

}  // namespace coord::api::service
