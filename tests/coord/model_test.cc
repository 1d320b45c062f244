// The randomized test: long random sequences of every write (including multis, sessions,
// reaps and invalid requests) applied to the store and to the reference model; every result,
// every read and the final states must agree, the state invariants must hold after every
// step, the reaper must see exactly what the model says is due, and a snapshot taken and
// restored mid-run must change nothing. Prints the failing seed; COORD_MODEL_SEEDS=N runs
// more seeds.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include "coord/node_reaper.h"
#include "coord/snapshot_reader.h"
#include "coord/snapshot_writer.h"
#include "reference_model.h"
#include "test_util.h"
#include "workload.h"

namespace coord::store {
namespace {

using testing::Dump;
using testing::ReferenceModel;

// How many writes of each kind succeeded: the test must exercise success, not only errors.
struct Coverage {
  int creates = 0, deletes = 0, sets = 0, multis = 0, failed_multis = 0, sessions_ended = 0,
      ephemerals_reaped_with_session = 0, ttl_reaps = 0, container_reaps = 0, sequential = 0;
};

class Driver {
 public:
  Coverage coverage;
  size_t nodes() const { return store_.node_count(); }

  explicit Driver(uint32_t seed) : rng_(seed), store_(Opts()), model_(Opts()) {}

  static Options Opts() {
    Options o;
    o.max_data_bytes = 8;
    o.max_path_bytes = 24;
    o.max_multi_ops = 5;
    o.min_session_ttl_ms = 100;
    o.max_session_ttl_ms = 1000;
    o.max_node_ttl_ms = 500;
    return o;
  }

  // One random step; returns false (with a message in *why) when the two disagree.
  bool Step(std::string* why) {
    now_ += static_cast<int64_t>(rng_() % 50);
    const Txn txn{++zxid_, now_, PickSession()};
    switch (rng_() % 17) {
      case 0: case 1: case 2: case 3: {
        CreateRequest r = RandomCreate();
        auto a = store_.Create(txn, r);
        coverage.creates += a.ok();
        coverage.sequential += a.ok() && IsSequential(r.mode);
        return Same(a, model_.Create(txn, r), why);
      }
      case 4: case 5: {
        DeleteRequest r{RandomPath(), RandomVersion()};
        auto a = store_.Delete(txn, r);
        coverage.deletes += a.ok();
        return Same(a, model_.Delete(txn, r), why);
      }
      case 6: case 7: {
        SetDataRequest r{RandomPath(), RandomData(), RandomVersion()};
        auto a = store_.SetData(txn, r);
        coverage.sets += a.ok();
        return Same(a, model_.SetData(txn, r), why);
      }
      case 8: case 9: {
        MultiRequest r;
        const size_t n = rng_() % 7;  // sometimes over the limit of 5
        const bool plausible = rng_() % 2;  // ops likely to succeed, chained on each other
        std::string last = "/";
        for (size_t i = 0; i < n; ++i) {
          if (!plausible) {
            r.ops.push_back(RandomOp());
            continue;
          }
          switch (rng_() % 4) {
            case 0: case 1: {  // a child of the last node made, or of an existing one
              std::string parent = rng_() % 2 ? last : model_.Paths()[rng_() % model_.Paths().size()];
              last = (parent == "/" ? "" : parent) + "/" + RandomName() + std::to_string(i);
              r.ops.push_back(CreateRequest{last, RandomData(), CreateMode::kPersistent, 0});
              break;
            }
            case 2: r.ops.push_back(SetDataRequest{last, RandomData(), std::nullopt}); break;
            default: r.ops.push_back(CheckRequest{last, std::nullopt}); break;
          }
        }
        auto a = store_.Multi(txn, r);
        coverage.multis += a.ok() && n > 1;
        coverage.failed_multis += !a.ok() && a.status().failed_op() > 0;
        return Same(a, model_.Multi(txn, r), why);
      }
      case 10: {
        OpenSessionRequest r{static_cast<int64_t>(rng_() % 1500)};
        auto a = store_.OpenSession(txn, r);
        auto b = model_.OpenSession(txn, r);
        if (a.ok()) sessions_.push_back(a->session_id);
        return Same(a, b, why);
      }
      case 11: {
        if (rng_() % 2) return Step(why);  // ends half as often as opens
        uint64_t id = PickAnySession();
        Txn t = txn;
        t.session_id = 0;
        auto a = rng_() % 2 ? store_.CloseSession(t, CloseSessionRequest{id})
                            : store_.ExpireSession(t, ExpireSessionRequest{id});
        coverage.sessions_ended += a.ok();
        coverage.ephemerals_reaped_with_session += a.ok() ? static_cast<int>(a->deleted.size()) : 0;
        return Same(a, model_.EndSession(t, id), why);
      }
      case 12: case 13: case 14: {
        ReapRequest r = RandomReap();
        Status a = store_.Reap(txn, r);
        coverage.ttl_reaps += a.ok() && r.kind == ReapKind::kTtl;
        coverage.container_reaps += a.ok() && r.kind == ReapKind::kContainer;
        return SameStatus(a, model_.Reap(txn, r), why);
      }
      default: {  // reads
        const std::string p = RandomPath();
        auto a = store_.Get(p);
        auto b = model_.Get(p);
        if (!Same(a, b, why)) return false;
        auto c = store_.Children(p);
        auto d = model_.Children(p);
        if (!Same(c, d, why)) return false;
        --zxid_;  // no write happened
        return true;
      }
    }
  }

  // The invariants and cross-checks that hold between any two steps. The state invariants
  // are checked every time; comparing whole states (the slow part, text dumps) only when
  // `compare` is set, since every step's results are compared anyway.
  bool Check(bool compare, std::string* why) {
    if (std::string err = CheckState(store_.state()); !err.empty()) {
      *why = "invariant: " + err;
      return false;
    }
    if (store_.node_count() != model_.size()) {
      *why = "node counts differ";
      return false;
    }
    if (!compare) return true;
    if (Dump(store_.state()) != model_.Dump()) {
      *why = "states differ:\nstore:\n" + Dump(store_.state()) + "model:\n" + model_.Dump();
      return false;
    }
    // The reaper, fresh (nothing in flight), must propose exactly what the model says is due.
    NodeReaper reaper;
    std::vector<std::string> proposed;
    for (const auto& c : reaper.Poll(store_.state(), now_)) {
      proposed.push_back((c.reap().kind() == pb::REAP_TTL ? "ttl " : "container ") +
                         c.reap().path());
    }
    std::sort(proposed.begin(), proposed.end());
    if (proposed != model_.Due(now_)) {
      *why = "reaper disagrees with the model on what is due";
      return false;
    }
    return true;
  }

  // Replaces the store with one restored from its own snapshot.
  bool SnapshotAndRestore(std::string* why) {
    testing::StringSink sink;
    StoreSnapshotWriter writer(store_.state(), 64);
    if (!writer.WriteTo(sink).ok()) return false;
    testing::StringSource source(sink.Joined(), 50);
    auto restored = ReadSnapshot(source);
    if (!restored.ok()) {
      *why = "restore: " + restored.status().ToString();
      return false;
    }
    Store fresh(Opts());
    fresh.ResetState(std::move(restored).value());
    store_ = std::move(fresh);
    return true;
  }

 private:
  template <typename T>
  static bool SameValue(const T& a, const T& b);

  template <typename T>
  bool Same(const Result<T>& a, const Result<T>& b, std::string* why) {
    if (a.ok() != b.ok() || (!a.ok() && (a.code() != b.code() ||
                                          a.status().failed_op() != b.status().failed_op()))) {
      *why = "results differ: store " + (a.ok() ? std::string("OK") : a.status().ToString()) +
             ", model " + (b.ok() ? std::string("OK") : b.status().ToString());
      return false;
    }
    if (a.ok() && !SameValue(*a, *b)) {
      *why = "values differ";
      return false;
    }
    return true;
  }
  bool SameStatus(const Status& a, const Status& b, std::string* why) {
    if (a.code() != b.code()) {
      *why = "status differs: store " + a.ToString() + ", model " + b.ToString();
      return false;
    }
    return true;
  }

  std::string RandomName() {
    static const char* names[] = {"a", "b", "c", "q-", "x"};
    return names[rng_() % 5];
  }
  std::string RandomPath() {
    switch (rng_() % 20) {
      case 0: return "/";
      case 1: return "bad";
      case 2: return "/a/";
      case 3: return "/a/../b";
      case 4: return "/aaaaaaaaaaaaaaaaaaaaaaaaaaaa";  // over the 24-byte limit
      default: break;
    }
    // Mostly existing paths, so that deletes and sets often succeed.
    if (rng_() % 2) {
      std::vector<std::string> paths = model_.Paths();
      return paths[rng_() % paths.size()];
    }
    std::string p;
    const int depth = 1 + static_cast<int>(rng_() % 3);
    for (int i = 0; i < depth; ++i) p += "/" + RandomName();
    return p;
  }
  std::string RandomData() { return std::string(rng_() % 10, static_cast<char>('a' + rng_() % 3)); }
  std::optional<int32_t> RandomVersion() {
    if (rng_() % 2) return std::nullopt;
    return static_cast<int32_t>(rng_() % 3);
  }
  // Usually a new child of an existing node, so that creates often succeed.
  std::string CreatePath() {
    if (rng_() % 4 == 0) return RandomPath();
    std::vector<std::string> paths = model_.Paths();
    const std::string& parent = paths[rng_() % paths.size()];
    return (parent == "/" ? "" : parent) + "/" + RandomName();
  }
  CreateRequest RandomCreate() {
    CreateRequest r;
    r.mode = static_cast<CreateMode>(rng_() % 8);  // 7 is not a mode
    if (rng_() % 3 == 0) r.mode = CreateMode::kPersistent;
    r.path = CreatePath();
    if (IsSequential(r.mode) && rng_() % 2) r.path += rng_() % 2 ? "/" : "/s-";
    r.data = RandomData();
    if (HasTtl(r.mode)) r.ttl_ms = static_cast<int64_t>(rng_() % 600);  // 0 and >500 invalid
    if (rng_() % 20 == 0) r.ttl_ms = 7;  // sometimes on a mode without TTL
    return r;
  }
  Op RandomOp() {
    switch (rng_() % 4) {
      case 0: return CheckRequest{RandomPath(), RandomVersion()};
      case 1: return RandomCreate();
      case 2: return SetDataRequest{RandomPath(), RandomData(), RandomVersion()};
      default: return DeleteRequest{RandomPath(), RandomVersion()};
    }
  }
  ReapRequest RandomReap() {
    ReapRequest r;
    r.path = RandomPath();
    r.kind = static_cast<ReapKind>(rng_() % 3);  // 2 is not a kind
    auto got = model_.Get(r.path);
    r.expected_mzxid = got.ok() && rng_() % 4 ? got->stat.mzxid : rng_() % (zxid_ + 1);
    return r;
  }
  // Mostly no session or a live one; sometimes a dead or unknown one.
  uint64_t PickSession() {
    if (rng_() % 3 == 0 || sessions_.empty()) return rng_() % 20 == 0 ? 99999 : 0;
    std::vector<uint64_t> live;
    for (uint64_t id : sessions_) {
      if (model_.HasSession(id)) live.push_back(id);
    }
    if (live.empty() || rng_() % 10 == 0) return sessions_[rng_() % sessions_.size()];
    return live[rng_() % live.size()];
  }
  uint64_t PickAnySession() {
    if (sessions_.empty() || rng_() % 10 == 0) return rng_() % 3;
    return sessions_[rng_() % sessions_.size()];
  }

  std::mt19937_64 rng_;
  Store store_;
  ReferenceModel model_;
  uint64_t zxid_ = 0;
  int64_t now_ = 0;
  std::vector<uint64_t> sessions_;
};

bool SameStat(const Stat& a, const Stat& b) { return a == b; }

template <>
bool Driver::SameValue(const CreateResult& a, const CreateResult& b) {
  return a.path == b.path && SameStat(a.stat, b.stat) && a.zxid == b.zxid;
}
template <>
bool Driver::SameValue(const DeleteResult& a, const DeleteResult& b) { return a.zxid == b.zxid; }
template <>
bool Driver::SameValue(const SetDataResult& a, const SetDataResult& b) {
  return SameStat(a.stat, b.stat) && a.zxid == b.zxid;
}
template <>
bool Driver::SameValue(const OpenSessionResult& a, const OpenSessionResult& b) {
  return a.session_id == b.session_id && a.ttl_ms == b.ttl_ms && a.zxid == b.zxid;
}
template <>
bool Driver::SameValue(const SessionEndResult& a, const SessionEndResult& b) {
  return a.deleted == b.deleted && a.zxid == b.zxid;
}
template <>
bool Driver::SameValue(const GetResult& a, const GetResult& b) {
  return a.data == b.data && SameStat(a.stat, b.stat);
}
template <>
bool Driver::SameValue(const ChildrenResult& a, const ChildrenResult& b) {
  return a.names == b.names && SameStat(a.stat, b.stat);
}
template <>
bool Driver::SameValue(const MultiResult& a, const MultiResult& b) {
  if (a.zxid != b.zxid || a.results.size() != b.results.size()) return false;
  for (size_t i = 0; i < a.results.size(); ++i) {
    if (a.results[i].index() != b.results[i].index()) return false;
    if (auto* x = std::get_if<CreateResult>(&a.results[i])) {
      if (!SameValue(*x, std::get<CreateResult>(b.results[i]))) return false;
    }
    if (auto* x = std::get_if<SetDataResult>(&a.results[i])) {
      if (!SameValue(*x, std::get<SetDataResult>(b.results[i]))) return false;
    }
  }
  return true;
}

TEST(ModelTest, RandomOperationsAgreeWithReferenceModel) {
  const char* env = std::getenv("COORD_MODEL_SEEDS");
  const uint32_t seeds = env ? static_cast<uint32_t>(std::atoi(env)) : 10;
  constexpr int kSteps = 1500;
  Coverage total;
  for (uint32_t seed = 1; seed <= seeds; ++seed) {
    Driver d(seed);
    std::string why;
    for (int step = 0; step < kSteps; ++step) {
      const bool compare = step % 16 == 0 || step + 1 == kSteps;
      bool ok = d.Step(&why) && d.Check(compare, &why);
      if (ok && step % 300 == 299) ok = d.SnapshotAndRestore(&why) && d.Check(true, &why);
      ASSERT_TRUE(ok) << "seed " << seed << " step " << step << ": " << why;
    }
    if (std::getenv("COORD_MODEL_VERBOSE")) std::printf("seed %u: %zu nodes\n", seed, d.nodes());
    const Coverage& c = d.coverage;
    total.creates += c.creates, total.deletes += c.deletes, total.sets += c.sets;
    total.multis += c.multis, total.failed_multis += c.failed_multis;
    total.sessions_ended += c.sessions_ended, total.sequential += c.sequential;
    total.ephemerals_reaped_with_session += c.ephemerals_reaped_with_session;
    total.ttl_reaps += c.ttl_reaps, total.container_reaps += c.container_reaps;
  }
  // Per seed on average, enough of each success that agreement means something.
  const int n = static_cast<int>(seeds);
  EXPECT_GT(total.creates, 50 * n);
  EXPECT_GT(total.deletes, 10 * n);
  EXPECT_GT(total.sets, 20 * n);
  EXPECT_GT(total.multis, 2 * n);
  EXPECT_GT(total.failed_multis, 10 * n);
  EXPECT_GT(total.sessions_ended, 2 * n);
  EXPECT_GT(total.ephemerals_reaped_with_session, n);
  EXPECT_GT(total.sequential, 5 * n);
  EXPECT_GT(total.ttl_reaps, 0);
  EXPECT_GT(total.container_reaps, 0);
  std::printf("coverage: creates %d deletes %d sets %d multis %d/%d failed, sessions ended %d "
              "(ephemerals %d), sequential %d, reaps ttl %d container %d\n",
              total.creates, total.deletes, total.sets, total.multis, total.failed_multis,
              total.sessions_ended, total.ephemerals_reaped_with_session, total.sequential,
              total.ttl_reaps, total.container_reaps);
}

}  // namespace
}  // namespace coord::store
