#include "test_util.h"

namespace coord::watch::testing {

std::string Show(const std::vector<EventBatch>& batches) {
  std::string out;
  for (const EventBatch& batch : batches) {
    if (!out.empty()) out += ' ';
    out += std::to_string(batch.zxid) + ':';
    for (size_t i = 0; i < batch.events.size(); ++i) {
      const store::Event& e = batch.events[i];
      if (i > 0) out += ',';
      out += std::string(store::EventTypeName(e.type)) + '(' + e.path + ')';
      if (e.zxid != batch.zxid) out += "!zxid=" + std::to_string(e.zxid);
    }
  }
  return out;
}

std::string Show(const Delivery& delivery) {
  std::string out = Show(delivery.batches);
  if (!out.empty()) out += ' ';
  out += '@' + std::to_string(delivery.position);
  if (delivery.progress) out += " progress";
  if (delivery.closed) out += " closed:" + delivery.reason.ToString();
  return out;
}

std::vector<EventBatch> Expected(const WatchSpec& spec, const std::vector<EventBatch>& stream,
                                 uint64_t after) {
  std::vector<EventBatch> out;
  for (const EventBatch& batch : stream) {
    if (batch.zxid <= after) continue;
    EventBatch filtered{batch.zxid, {}};
    for (const store::Event& e : batch.events) {
      if (Matches(spec, e)) filtered.events.push_back(e);
    }
    if (!filtered.events.empty()) out.push_back(std::move(filtered));
  }
  return out;
}

std::shared_ptr<Watcher> MustRegister(WatchHub& hub, WatchSpec spec,
                                      std::optional<uint64_t> since, uint64_t session,
                                      Watcher::ReadyCallback cb) {
  auto r = hub.Register(WatchHub::Request{std::move(spec), since, session, std::move(cb)});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

Watcher::ReadyCallback Signal::Callback() {
  return [state = state_] {
    std::lock_guard lock(state->mu);
    ++state->count;
    state->cv.notify_all();
  };
}

int Signal::count() const {
  std::lock_guard lock(state_->mu);
  return state_->count;
}

bool Signal::WaitFor(int n) {
  std::unique_lock lock(state_->mu);
  return state_->cv.wait_for(lock, kDeadline, [&] { return state_->count >= n; });
}

}  // namespace coord::watch::testing
