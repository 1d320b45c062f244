#include "client/loadgen/zookeeper_driver.h"

#ifdef COORD_HAVE_ZOOKEEPER

#define THREADED  // the multi-threaded C client: callbacks on its completion thread
#include <zookeeper/zookeeper.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

#include "client/loadgen/progress_line.h"

namespace coord::loadgen {
namespace {

using Clock = std::chrono::steady_clock;

// A session (zhandle) and whether it is connected yet.
struct Session {
  zhandle_t* zh = nullptr;
  std::mutex mu;
  std::condition_variable cv;
  bool connected = false;
};

void OnSessionEvent(zhandle_t*, int type, int state, const char*, void* context) {
  auto* s = static_cast<Session*>(context);
  if (type != ZOO_SESSION_EVENT) return;
  std::lock_guard<std::mutex> lock(s->mu);
  s->connected = state == ZOO_CONNECTED_STATE;
  s->cv.notify_all();
}

struct Run;

// One client: one request in flight at a time.
struct Client {
  Run* run = nullptr;
  Session* session = nullptr;
  int id = 0;
  std::mt19937_64 rng;
  uint64_t seq = 0;
  std::string path;  // of the request in flight (the C client copies it, but sync + get reuse it)
  Clock::time_point started;
  RunResult result;
};

struct Run {
  const LoadOptions* options = nullptr;
  bool populate = false;
  uint64_t populate_count = 0;
  Clock::time_point measure_from, deadline;
  std::string value;
  std::atomic<uint64_t> next_populate{0};
  std::atomic<uint64_t> completed{0}, failed{0};
  std::mutex mu;
  std::condition_variable cv;
  int active = 0;  // clients not finished; GUARDED_BY(mu)
};

std::string Key(const LoadOptions& o, uint64_t i) { return o.prefix + "/k" + std::to_string(i); }

void Issue(Client* c);

void Finish(Client* c) {
  std::lock_guard<std::mutex> lock(c->run->mu);
  if (--c->run->active == 0) c->run->cv.notify_all();
}

// Records the outcome of the request in flight, then sends the next one.
void Completed(Client* c, int rc) {
  Run& run = *c->run;
  const auto now = Clock::now();
  ++run.completed;
  const bool ok = rc == ZOK || (run.populate && rc == ZNODEEXISTS);
  if (c->started >= run.measure_from && now <= run.deadline) {
    if (ok) {
      c->result.latency.Record(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - c->started).count()));
      ++c->result.ok;
    } else {
      ++c->result.errors[std::string("zk: ") + zerror(rc)];
      ++run.failed;
    }
  }
  // Populating has no deadline: a failure ends it (the caller reports the errors).
  if (!ok && run.populate) return Finish(c);
  Issue(c);
}

void OnString(int rc, const char*, const void* data) { Completed(const_cast<Client*>(static_cast<const Client*>(data)), rc); }
void OnStat(int rc, const Stat*, const void* data) { Completed(const_cast<Client*>(static_cast<const Client*>(data)), rc); }
void OnData(int rc, const char*, int, const Stat*, const void* data) {
  Completed(const_cast<Client*>(static_cast<const Client*>(data)), rc);
}
void OnChildren(int rc, const String_vector*, const void* data) {
  Completed(const_cast<Client*>(static_cast<const Client*>(data)), rc);
}
// sync() done: the read that follows sees everything committed before the sync began.
void OnSynced(int rc, const char*, const void* data) {
  auto* c = const_cast<Client*>(static_cast<const Client*>(data));
  if (rc != ZOK) return Completed(c, rc);
  const int sent = zoo_aget(c->session->zh, c->path.c_str(), 0, OnData, c);
  if (sent != ZOK) Completed(c, sent);
}

void Issue(Client* c) {
  Run& run = *c->run;
  const LoadOptions& o = *run.options;
  if (Clock::now() >= run.deadline) return Finish(c);
  zhandle_t* zh = c->session->zh;
  const char* value = run.value.data();
  const int len = static_cast<int>(run.value.size());
  int sent = ZOK;
  c->started = Clock::now();
  if (run.populate) {
    const uint64_t i = run.next_populate.fetch_add(1);
    if (i >= run.populate_count) return Finish(c);
    c->path = Key(o, i);
    sent = zoo_acreate(zh, c->path.c_str(), value, len, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, OnString, c);
  } else {
    const uint64_t key = c->rng() % o.keys;
    Workload w = o.workload;
    if (w == Workload::kMixed) w = c->rng() % 10 == 0 ? Workload::kSet : Workload::kGetLinearizable;
    switch (w) {
      case Workload::kCreate:
        c->path = o.prefix + "/c" + std::to_string(c->id) + "-" + std::to_string(c->seq++);
        sent = zoo_acreate(zh, c->path.c_str(), value, len, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, OnString, c);
        break;
      case Workload::kSet:
        c->path = Key(o, key);
        sent = zoo_aset(zh, c->path.c_str(), value, len, -1, OnStat, c);
        break;
      case Workload::kGetSerializable:
        c->path = Key(o, key);
        sent = zoo_aget(zh, c->path.c_str(), 0, OnData, c);
        break;
      case Workload::kChildren:
        c->path = o.prefix;
        sent = zoo_aget_children(zh, c->path.c_str(), 0, OnChildren, c);
        break;
      default:  // kGetLinearizable (kKeepalive is refused by the options)
        c->path = Key(o, key);
        sent = zoo_async(zh, c->path.c_str(), OnSynced, c);
        break;
    }
  }
  // Not sent at all (the session is closed or expired): counted, and this client stops.
  if (sent != ZOK) {
    ++c->result.errors[std::string("zk: ") + zerror(sent)];
    ++run.failed;
    Finish(c);
  }
}

// Opens `n` sessions spread over the targets; false with `error` when one does not connect.
bool OpenSessions(const LoadOptions& o, int n, std::vector<std::unique_ptr<Session>>* sessions,
                  std::string* error) {
  zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
  for (int i = 0; i < n; ++i) {
    const Target& t = o.targets[static_cast<size_t>(i) % o.targets.size()];
    auto s = std::make_unique<Session>();
    const std::string host = t.host + ":" + std::to_string(t.port);
    s->zh = zookeeper_init(host.c_str(), OnSessionEvent, 30000, nullptr, s.get(), 0);
    if (s->zh == nullptr) {
      *error = "zookeeper_init(" + host + ") failed";
      return false;
    }
    sessions->push_back(std::move(s));
  }
  for (auto& s : *sessions) {
    std::unique_lock<std::mutex> lock(s->mu);
    if (!s->cv.wait_for(lock, std::chrono::seconds(10), [&] { return s->connected; })) {
      *error = "no ZooKeeper session within 10 s";
      return false;
    }
  }
  return true;
}

void CloseSessions(std::vector<std::unique_ptr<Session>>* sessions) {
  for (auto& s : *sessions) {
    if (s->zh != nullptr) zookeeper_close(s->zh);
  }
  sessions->clear();
}

// Creates the prefix (an existing one is fine); a ZooKeeper error code.
int CreatePrefix(Session& s, const std::string& prefix) {
  const int rc = zoo_create(s.zh, prefix.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, nullptr, 0);
  return rc == ZNODEEXISTS ? ZOK : rc;
}

RunResult Drive(const LoadOptions& o, bool populate, uint64_t populate_count) {
  RunResult total;
  const int clients = o.concurrency;
  std::vector<std::unique_ptr<Session>> sessions;
  std::string error;
  if (!OpenSessions(o, std::min(clients, kMaxZooKeeperSessions), &sessions, &error)) {
    CloseSessions(&sessions);
    total.errors["zk: " + error] = 1;
    return total;
  }
  if (const int rc = CreatePrefix(*sessions.front(), o.prefix); rc != ZOK) {
    CloseSessions(&sessions);
    total.errors[std::string("zk: creating ") + o.prefix + ": " + zerror(rc)] = 1;
    return total;
  }
  Run run;
  run.options = &o;
  run.populate = populate;
  run.populate_count = populate_count;
  run.value.assign(o.value_bytes, 'v');
  const auto start = Clock::now();
  const MeasuredWindow window = WindowOf(o, populate, start);
  run.measure_from = window.from;
  run.deadline = window.deadline;
  std::vector<Client> all(static_cast<size_t>(clients));
  run.active = clients;
  {
    ProgressLine progress(o, populate ? populate_count : 0, run.completed, run.failed);
    for (int i = 0; i < clients; ++i) {
      Client& c = all[static_cast<size_t>(i)];
      c.run = &run;
      c.session = sessions[static_cast<size_t>(i) % sessions.size()].get();
      c.id = i;
      c.rng.seed(static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull + 1);
      Issue(&c);
    }
    std::unique_lock<std::mutex> lock(run.mu);
    run.cv.wait(lock, [&] { return run.active == 0; });
  }
  CloseSessions(&sessions);
  for (const Client& c : all) total.Add(c.result);
  total.seconds = populate ? std::chrono::duration<double>(Clock::now() - start).count() : o.duration_s;
  return total;
}

}  // namespace

bool ZooKeeperSupported() { return true; }
RunResult ZooKeeperPopulate(const LoadOptions& options, uint64_t n) { return Drive(options, true, n); }
RunResult ZooKeeperRun(const LoadOptions& options) { return Drive(options, false, 0); }

}  // namespace coord::loadgen

#else  // built without libzookeeper-mt

namespace coord::loadgen {
namespace {
RunResult Unsupported() {
  RunResult r;
  r.errors["zk: coord-load was built without libzookeeper-mt-dev"] = 1;
  return r;
}
}  // namespace
bool ZooKeeperSupported() { return false; }
RunResult ZooKeeperPopulate(const LoadOptions&, uint64_t) { return Unsupported(); }
RunResult ZooKeeperRun(const LoadOptions&) { return Unsupported(); }
}  // namespace coord::loadgen

#endif
