// Helpers shared by the watch tests: building events, printing deliveries readably, a Store
// that numbers its own zxids and feeds a hub, and a consumer that waits on its watcher's
// callback (never on a clock: the deadline only turns a hang into a failure).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "coord/store.h"
#include "watch/store_feed.h"
#include "watch/watch_hub.h"

namespace coord::watch::testing {

using store::EventType;

inline constexpr auto kCreated = EventType::kCreated;
inline constexpr auto kDeleted = EventType::kDeleted;
inline constexpr auto kDataChanged = EventType::kDataChanged;
inline constexpr auto kChildrenChanged = EventType::kChildrenChanged;

// How long a test waits for something that should happen at once before failing.
inline constexpr std::chrono::seconds kDeadline{60};

inline store::Event Ev(EventType type, std::string path, uint64_t zxid = 0) {
  return store::Event{type, std::move(path), zxid};
}

// "7:created(/a),children_changed(/) 8:deleted(/a)".
std::string Show(const std::vector<EventBatch>& batches);
std::string Show(const Delivery& delivery);  // batches, then "@position", flags

// The batches of a stream that `spec` matches, filtered, empty ones left out: what a watcher
// on `spec` attached before the stream must receive.
std::vector<EventBatch> Expected(const WatchSpec& spec, const std::vector<EventBatch>& stream,
                                 uint64_t after = 0);

// Registers and asserts success.
std::shared_ptr<Watcher> MustRegister(WatchHub& hub, WatchSpec spec,
                                      std::optional<uint64_t> since = std::nullopt,
                                      uint64_t session = 0, Watcher::ReadyCallback cb = {});

// A Store whose writes go through a StoreFeed to a hub, as the runtime will wire them.
class FedStore {
 public:
  explicit FedStore(WatchHub* hub) : feed(hub) { store.SetEventListener(feed.Listener()); }

  store::Txn Next(uint64_t session = 0) { return store::Txn{store.zxid() + 1, 1'000, session}; }
  // Each write is applied, then handed to the hub (Applied), as the apply loop does.
  template <typename R>
  R Done(R result) {
    feed.Applied(store.zxid());
    return result;
  }
  auto Create(const std::string& path, const std::string& data = "",
              store::CreateMode mode = store::CreateMode::kPersistent, uint64_t session = 0) {
    return Done(store.Create(Next(session), store::CreateRequest{path, data, mode, 0}));
  }
  auto Set(const std::string& path, const std::string& data) {
    return Done(store.SetData(Next(), store::SetDataRequest{path, data, {}}));
  }
  auto Delete(const std::string& path) {
    return Done(store.Delete(Next(), store::DeleteRequest{path, {}}));
  }
  auto Multi(std::vector<store::Op> ops) {
    return Done(store.Multi(Next(), store::MultiRequest{std::move(ops)}));
  }
  uint64_t OpenSession() {
    auto r = Done(store.OpenSession(Next(), store::OpenSessionRequest{10'000}));
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->session_id : 0;
  }
  auto CloseSession(uint64_t id) {
    return Done(store.CloseSession(Next(), store::CloseSessionRequest{id}));
  }

  store::Store store;
  StoreFeed feed;
};

// Counts on_ready calls and lets a test wait for the next one.
class Signal {
 public:
  Watcher::ReadyCallback Callback();
  int count() const;
  // Waits until count() >= n; false after kDeadline.
  bool WaitFor(int n);

 private:
  // Shared with the callbacks, which may outlive this object's owner.
  struct State {
    mutable std::mutex mu;
    std::condition_variable cv;
    int count = 0;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace coord::watch::testing
