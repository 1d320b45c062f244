// Helpers shared by the store tests: a Store that numbers its own zxids, and assertions
// that print typed errors readably.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "coord/state_check.h"
#include "coord/status.h"
#include "coord/store.h"

namespace coord::store::testing {

// A Store plus a zxid counter and a clock, so tests state only what matters to them.
class TestStore {
 public:
  explicit TestStore(Options options = {}) : store(options) {}

  // The Txn of the next entry: zxid one past the last, time `now`, session `session`.
  Txn Next(uint64_t session = 0) { return Txn{store.zxid() + 1, now, session}; }

  Result<CreateResult> Create(const std::string& path, const std::string& data = "",
                              CreateMode mode = CreateMode::kPersistent, uint64_t session = 0,
                              int64_t ttl_ms = 0) {
    return store.Create(Next(session), CreateRequest{path, data, mode, ttl_ms});
  }
  Result<DeleteResult> Delete(const std::string& path, std::optional<int32_t> version = {},
                              uint64_t session = 0) {
    return store.Delete(Next(session), DeleteRequest{path, version});
  }
  Result<SetDataResult> Set(const std::string& path, const std::string& data,
                            std::optional<int32_t> version = {}, uint64_t session = 0) {
    return store.SetData(Next(session), SetDataRequest{path, data, version});
  }
  Result<MultiResult> Multi(std::vector<Op> ops, uint64_t session = 0) {
    return store.Multi(Next(session), MultiRequest{std::move(ops)});
  }
  uint64_t OpenSession(int64_t ttl_ms = 10'000) {
    auto r = store.OpenSession(Next(), OpenSessionRequest{ttl_ms});
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->session_id : 0;
  }
  Result<SessionEndResult> CloseSession(uint64_t id) {
    return store.CloseSession(Next(), CloseSessionRequest{id});
  }
  Result<SessionEndResult> ExpireSession(uint64_t id) {
    return store.ExpireSession(Next(), ExpireSessionRequest{id});
  }
  Status Reap(const std::string& path, ReapKind kind, uint64_t mzxid = 0) {
    return store.Reap(Next(), ReapRequest{path, kind, mzxid});
  }
  std::string Data(const std::string& path) {
    auto r = store.Get(path);
    return r.ok() ? r->data : "<" + r.status().ToString() + ">";
  }
  bool Has(const std::string& path) {
    auto r = store.Exists(path);
    return r.ok() && r->has_value();
  }
  Stat StatOf(const std::string& path) {
    auto r = store.Exists(path);
    return r.ok() && r->has_value() ? **r : Stat{};
  }
  std::vector<std::string> Children(const std::string& path) {
    auto r = store.Children(path);
    return r.ok() ? r->names : std::vector<std::string>{"<" + r.status().ToString() + ">"};
  }

  Store store;
  int64_t now = 1'000'000;
};

// Every node (path, data, stat) and session, one per line: for comparing whole states.
std::string Dump(const State& state);

}  // namespace coord::store::testing

// Asserts a Result or Status has code `want`, printing the whole status otherwise.
#define EXPECT_CODE(expr, want)                                                   \
  do {                                                                            \
    const auto& coord_r_ = (expr);                                                \
    ::coord::store::Status coord_s_ = ::coord::store::testing::StatusOf(coord_r_); \
    EXPECT_EQ(coord_s_.code(), (want)) << coord_s_.ToString();                    \
  } while (0)
#define EXPECT_OK(expr) EXPECT_CODE(expr, ::coord::store::Code::kOk)
#define ASSERT_OK(expr)                                                            \
  do {                                                                             \
    const auto& coord_r_ = (expr);                                                 \
    ::coord::store::Status coord_s_ = ::coord::store::testing::StatusOf(coord_r_); \
    ASSERT_TRUE(coord_s_.ok()) << coord_s_.ToString();                             \
  } while (0)

namespace coord::store::testing {
inline Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.ok() ? Status::Ok() : r.status();
}
}  // namespace coord::store::testing
