#include "api/service/replica.h"

#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

namespace coord::api::service {

namespace net = boost::asio;

struct Replica::Impl {
  explicit Impl(int threads) : pool(static_cast<size_t>(threads > 0 ? threads : 1)) {}
  net::thread_pool pool;
  std::atomic<bool> stopped{false};
};

Replica::Replica(raft::RaftNode* node, PublishedStore* store, const LeaderWatch* leader,
                 ReplicaOptions options)
    : node_(node),
      store_(store),
      leader_(leader),
      options_(options),
      impl_(std::make_unique<Impl>(options.threads)) {
  RunAfter(options_.retry_interval, [this] { Sweep(); });
}

Replica::~Replica() { Stop(); }

void Replica::Stop() {
  if (impl_->stopped.exchange(true)) return;
  impl_->pool.stop();
  impl_->pool.join();
}

int64_t Replica::NowMs() const {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(now).count() +
         options_.clock_offset_ms;
}

int64_t Replica::SteadyMs() {
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
}

void Replica::Post(std::function<void()> fn) {
  if (impl_->stopped.load()) return;
  net::post(impl_->pool, std::move(fn));
}

void Replica::RunAfter(std::chrono::milliseconds delay, std::function<void()> fn) {
  if (impl_->stopped.load()) return;
  auto timer = std::make_shared<net::steady_timer>(impl_->pool, delay);
  timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (!ec) fn();
  });
}

bool Replica::Retryable(const raft::Status& s, Clock::time_point deadline) {
  using C = raft::Status::Code;
  return (s.code() == C::kProposalDropped || s.code() == C::kNotLeader) && Clock::now() < deadline;
}

// ---- the in-flight table ----------------------------------------------------------------

uint64_t Replica::Track(std::function<void()> on_leader_change) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t id = next_id_++;
  in_flight_.emplace(id, InFlight{leader_->changes(), std::move(on_leader_change)});
  return id;
}

bool Replica::Untrack(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_.erase(id) > 0;
}

void Replica::Sweep() {
  const uint64_t changes = leader_->changes();
  std::vector<std::function<void()>> taken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = in_flight_.begin(); it != in_flight_.end();) {
      if (it->second.leader_changes < changes) {
        taken.push_back(std::move(it->second.on_leader_change));
        it = in_flight_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& fn : taken) fn();
  RunAfter(options_.retry_interval, [this] { Sweep(); });
}

// ---- writes -------------------------------------------------------------------------------

void Replica::Write(const store::pb::Command& command, WriteDone done) {
  auto bytes = std::make_shared<const std::string>(command.SerializeAsString());
  AttemptWrite(std::move(bytes), Clock::now() + options_.leader_wait, std::move(done));
}

void Replica::AttemptWrite(std::shared_ptr<const std::string> bytes,
                           Clock::time_point leader_deadline, WriteDone done) {
  auto shared_done = std::make_shared<WriteDone>(std::move(done));
  const uint64_t id = Track([shared_done] {
    (*shared_done)(ApiError(ErrorCode::kTimeout,
                            "the leader changed while the write was in flight; it may or may not "
                            "have been applied (retry with the same Idempotency-Key to find out)"));
  });
  node_->Propose(*bytes, [this, id, bytes, leader_deadline,
                          shared_done](raft::Result<std::string> r) mutable {
    // Runs on the apply or Raft thread: hand everything over to a completion thread.
    if (!Untrack(id)) return;  // answered already, after a leader change
    if (!r.ok() && Retryable(r.status(), leader_deadline)) {
      RunAfter(options_.retry_interval, [this, bytes, leader_deadline, shared_done] {
        AttemptWrite(bytes, leader_deadline, std::move(*shared_done));
      });
      return;
    }
    Post([r = std::move(r), shared_done]() {
      WriteDone& done = *shared_done;
      if (!r.ok()) {
        done(ApiError::FromRaft(r.status(), "write"));
        return;
      }
      store::pb::Response response;
      if (!response.ParseFromString(*r)) {
        done(ApiError(ErrorCode::kInternal, "undecodable state machine response"));
        return;
      }
      done(std::move(response));
    });
  });
}

// ---- reads --------------------------------------------------------------------------------

void Replica::Read(Consistency consistency, ReadDone done) {
  if (consistency == Consistency::kSerializable || options_.unsafe_local_reads) {
    done(View());
    return;
  }
  AttemptRead(Clock::now() + options_.leader_wait, std::move(done));
}

void Replica::AttemptRead(Clock::time_point leader_deadline, ReadDone done) {
  auto shared_done = std::make_shared<ReadDone>(std::move(done));
  // A read has no effect: after a leader change it is simply asked again.
  const uint64_t id = Track([this, shared_done] {
    AttemptRead(Clock::now() + options_.leader_wait, std::move(*shared_done));
  });
  node_->ReadBarrier([this, id, leader_deadline, shared_done](raft::Status s) {
    if (!Untrack(id)) return;
    if (!s.ok() && Retryable(s, leader_deadline)) {
      RunAfter(options_.retry_interval, [this, leader_deadline, shared_done] {
        AttemptRead(leader_deadline, std::move(*shared_done));
      });
      return;
    }
    // The barrier is released once the read index is applied, and the view is published
    // inside Apply (published_store.h), so the view taken now reflects at least that index.
    Post([this, s = std::move(s), shared_done]() {
      if (!s.ok()) {
        (*shared_done)(ApiError::FromRaft(s, "read"));
        return;
      }
      (*shared_done)(View());
    });
  });
}

void Replica::BarrierWithin(std::chrono::milliseconds within, ReadDone done) {
  // Whichever comes first, the barrier or the deadline, answers; the other finds it taken.
  struct Once {
    std::atomic<bool> taken{false};
    ReadDone done;
  };
  auto once = std::make_shared<Once>();
  once->done = std::move(done);
  RunAfter(within, [once] {
    if (!once->taken.exchange(true)) {
      once->done(ApiError(ErrorCode::kTimeout, "read barrier not confirmed in time"));
    }
  });
  node_->ReadBarrier([this, once](raft::Status s) {
    Post([this, once, s = std::move(s)] {
      if (once->taken.exchange(true)) return;
      if (!s.ok()) {
        once->done(ApiError::FromRaft(s, "read"));
      } else {
        once->done(View());
      }
    });
  });
}

// ---- leader calls -------------------------------------------------------------------------

void Replica::CallLeader(std::string payload, CallDone done) {
  AttemptCall(std::make_shared<const std::string>(std::move(payload)),
              Clock::now() + options_.leader_wait, std::move(done));
}

void Replica::AttemptCall(std::shared_ptr<const std::string> payload,
                          Clock::time_point leader_deadline, CallDone done) {
  auto shared_done = std::make_shared<CallDone>(std::move(done));
  // Leader calls (keepalives, queries) are idempotent: asked again after a leader change.
  const uint64_t id = Track([this, payload, shared_done] {
    AttemptCall(payload, Clock::now() + options_.leader_wait, std::move(*shared_done));
  });
  node_->CallLeader(*payload, [this, id, payload, leader_deadline,
                               shared_done](raft::Result<std::string> r) mutable {
    if (!Untrack(id)) return;
    if (!r.ok() && Retryable(r.status(), leader_deadline)) {
      RunAfter(options_.retry_interval, [this, payload, leader_deadline, shared_done] {
        AttemptCall(payload, leader_deadline, std::move(*shared_done));
      });
      return;
    }
    Post([r = std::move(r), shared_done]() {
      if (!r.ok()) {
        (*shared_done)(ApiError::FromRaft(r.status(), "leader call"));
      } else {
        (*shared_done)(std::move(*r));
      }
    });
  });
}

}  // namespace coord::api::service
