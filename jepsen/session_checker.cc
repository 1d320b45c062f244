#include "jepsen/session_checker.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

namespace coord::jepsen {

namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

int64_t SatAdd(int64_t a, int64_t b) { return a > kNever - b ? kNever : a + b; }

struct Session {
  int64_t ttl = 0;  // ns
  size_t open_op = 0;
  std::vector<size_t> keepalives;  // ok ones
  int64_t guaranteed_until = 0;    // G
  int64_t last_contact = 0;        // L
  std::optional<size_t> abandon_op;
  std::optional<size_t> close_op;  // any close that did not fail
  int64_t close_invoke = kNever;
  bool closed_ok = false;
  int64_t closed_at = kNever;      // ok close's completion
  int64_t deadline = kNever;       // D, for abandoned / unknown-close sessions
};

// The API spells session ids as decimal strings (they may exceed 2^53); histories may use
// either form. Both become the decimal string.
std::optional<std::string> SessionId(const Json& v) {
  if (v.is_number_integer()) return v.dump();
  if (v.is_string() && !v.get<std::string>().empty() &&
      v.get<std::string>().find_first_not_of("0123456789") == std::string::npos) {
    return v.get<std::string>();
  }
  return std::nullopt;
}

struct Ephemeral {
  std::string session;
  size_t create_op = 0;
  bool created_ok = false;
  int64_t created_at = kNever;  // ok create's completion
  bool observed_after_deadline = false;
  bool reported = false;  // an anomaly names it already
};

std::string Id(int64_t v) { return std::to_string(v); }

std::string Seconds(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ns) / 1e9);
  return buf;
}

}  // namespace

Result<CheckResult> CheckSessionHistory(const PairedHistory& history,
                                        const std::vector<FaultWindow>& faults,
                                        const SessionCheckOptions& options) {
  auto started = std::chrono::steady_clock::now();
  const int64_t bound = options.expiry_bound.count();
  std::map<std::string, Session> sessions;
  std::map<std::string, Ephemeral> ephemerals;
  std::vector<size_t> observations;

  auto session_of = [&](const Operation& op) -> Result<Session*> {
    std::optional<std::string> id = SessionId(op.input);
    if (!id) return history.Malformed(op, op.f + " needs the session id as its value");
    auto it = sessions.find(*id);
    if (it == sessions.end()) {
      return history.Malformed(op, op.f + " of session " + op.input.dump() +
                                        " that no ok open created");
    }
    return &it->second;
  };

  // Pass 1: sessions from their opens. Opens that did not return ok name no session.
  for (const Operation& op : history.operations) {
    if (op.f != "open" || op.type != OpType::kOk) continue;
    const Json& v = op.output;
    if (!v.is_object() || !v.contains("session") || !SessionId(v["session"]) ||
        !v.contains("ttl_ms") || !v["ttl_ms"].is_number_integer()) {
      return history.Malformed(op, "an ok open must return {\"session\": id, \"ttl_ms\": ttl}");
    }
    Session s;
    s.ttl = v["ttl_ms"].get<int64_t>() * 1'000'000;
    s.open_op = op.index;
    s.guaranteed_until = SatAdd(op.invoke_time, s.ttl);
    s.last_contact = *op.complete_time;
    sessions[*SessionId(v["session"])] = s;
  }
  // Pass 2: everything else.
  for (const Operation& op : history.operations) {
    if (op.f == "open") continue;
    if (op.f == "exists" || op.f == "list") {
      if (!op.key) return history.Malformed(op, op.f + " needs a key");
      if (op.type != OpType::kOk) continue;
      if (op.f == "exists" && !op.output.is_boolean()) {
        return history.Malformed(op, "an ok exists must return true or false");
      }
      if (op.f == "list" && !op.output.is_array()) {
        return history.Malformed(op, "an ok list must return an array of paths");
      }
      observations.push_back(op.index);
      continue;
    }
    if (op.f != "keepalive" && op.f != "create" && op.f != "close" && op.f != "abandon") {
      return history.Malformed(op, "f \"" + op.f + "\" is not a sessions-workload operation");
    }
    Result<Session*> sr = session_of(op);
    if (!sr.ok()) return sr.status();
    Session& s = **sr;
    int64_t end = op.end_time_or(history.end_time);
    if (op.f == "keepalive") {
      if (op.type == OpType::kFail) continue;
      s.last_contact = std::max(s.last_contact, end);
      if (op.type == OpType::kOk) {
        s.keepalives.push_back(op.index);
        s.guaranteed_until = std::max(s.guaranteed_until, SatAdd(op.invoke_time, s.ttl));
      }
    } else if (op.f == "create") {
      if (!op.key) return history.Malformed(op, "create needs the ephemeral's path as key");
      if (op.type == OpType::kFail) continue;
      Ephemeral& e = ephemerals[*op.key];
      e.session = *SessionId(op.input);
      e.create_op = op.index;
      e.created_ok = op.type == OpType::kOk;
      if (e.created_ok) e.created_at = *op.complete_time;
    } else if (op.f == "close") {
      if (op.type == OpType::kFail) continue;
      s.close_op = op.index;
      s.close_invoke = std::min(s.close_invoke, op.invoke_time);
      s.last_contact = std::max(s.last_contact, end);
      if (op.type == OpType::kOk) {
        s.closed_ok = true;
        s.closed_at = std::min(s.closed_at, *op.complete_time);
      }
    } else {  // abandon
      s.abandon_op = op.index;
    }
  }
  // Deadlines of abandoned sessions and of closes with unknown outcome.
  for (auto& [id, s] : sessions) {
    if (!s.abandon_op && !(s.close_op && !s.closed_ok)) continue;
    int64_t d = SatAdd(SatAdd(s.last_contact, s.ttl), bound);
    for (const FaultWindow& w : faults) {
      if (w.start >= d) break;
      int64_t stop = w.stop_or(kNever);
      if (stop <= s.last_contact) continue;
      d = std::max(d, SatAdd(SatAdd(stop, s.ttl), bound));
    }
    s.deadline = d;
  }

  CheckResult result;
  result.checker = "sessions";
  size_t anomalies = 0, lost = 0, lingered = 0;
  auto report = [&](Anomaly a) {
    ++anomalies;
    if (result.anomalies.size() < kMaxAnomalies) result.anomalies.push_back(std::move(a));
  };
  // One anomaly per ephemeral: the first observation that shows it; later ones add nothing.
  auto check = [&](const Operation& obs, const std::string& path, Ephemeral& e, bool present) {
    Session& s = sessions[e.session];
    int64_t obs_end = *obs.complete_time;
    if (e.reported) return;
    if (!present && e.created_ok && e.created_at < obs.invoke_time &&
        obs_end < s.guaranteed_until && obs_end < s.close_invoke) {
      ++lost;
      e.reported = true;
      // The open or keepalive whose TTL still covered the observation.
      size_t cover = s.open_op;
      for (size_t k : s.keepalives) {
        const Operation& ka = history.operations[k];
        if (ka.invoke_time <= obs_end && SatAdd(ka.invoke_time, s.ttl) > obs_end) cover = k;
      }
      std::vector<size_t> ops = {e.create_op, cover, obs.index};
      std::sort(ops.begin(), ops.end());
      ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
      report({"ephemeral-lost", path,
              "ephemeral " + path + " of session " + e.session +
                  " is gone although the session was kept alive: a keepalive (or the open) "
                  "invoked less than its TTL before guaranteed it alive when process " +
                  Id(obs.process) + " looked at " + Seconds(obs.invoke_time),
              ops, {obs.index}});
      return;
    }
    if (obs.invoke_time > s.deadline) e.observed_after_deadline = true;
    bool after_close = s.closed_ok && obs.invoke_time > s.closed_at;
    if (present && (after_close || obs.invoke_time > s.deadline)) {
      ++lingered;
      e.reported = true;
      std::vector<size_t> ops = {e.create_op, obs.index};
      if (s.abandon_op) ops.push_back(*s.abandon_op);
      if (s.close_op) ops.push_back(*s.close_op);
      if (!s.keepalives.empty()) ops.push_back(s.keepalives.back());
      std::sort(ops.begin(), ops.end());
      ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
      std::string why = after_close
          ? "after its session was closed"
          : "after its session was abandoned and its TTL plus the expiry bound (" +
                std::to_string(bound / 1'000'000) + " ms) had passed";
      report({"ephemeral-lingered", path,
              "ephemeral " + path + " of session " + e.session + " is still present " + why,
              ops, {obs.index}});
    }
  };

  for (size_t i : observations) {
    const Operation& obs = history.operations[i];
    const std::string& key = *obs.key;
    if (obs.f == "exists") {
      auto it = ephemerals.find(key);
      if (it != ephemerals.end()) check(obs, key, it->second, obs.output.get<bool>());
      continue;
    }
    std::string prefix = key == "/" ? "/" : key + "/";
    std::set<std::string> listed;
    for (const Json& c : obs.output) {
      if (!c.is_string()) return history.Malformed(obs, "list entries must be strings");
      std::string p = c.get<std::string>();
      listed.insert(!p.empty() && p[0] == '/' ? p : prefix + p);
    }
    for (auto it = ephemerals.lower_bound(prefix);
         it != ephemerals.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      if (it->first.find('/', prefix.size()) != std::string::npos) continue;  // not a child
      check(obs, it->first, it->second, listed.count(it->first) > 0);
    }
  }

  size_t unchecked = 0, abandoned = 0, closed = 0, kept = 0;
  for (auto& [id, s] : sessions) {
    if (s.abandon_op) ++abandoned;
    else if (s.close_op) ++closed;
    else ++kept;
  }
  for (auto& [path, e] : ephemerals) {
    const Session& s = sessions[e.session];
    if (s.deadline != kNever && e.created_ok && !e.observed_after_deadline) ++unchecked;
  }
  Json& d = result.details;
  d["sessions"] = sessions.size();
  d["kept_alive"] = kept;
  d["abandoned"] = abandoned;
  d["closed"] = closed;
  d["ephemerals"] = ephemerals.size();
  d["observations"] = observations.size();
  d["lost"] = lost;
  d["lingered"] = lingered;
  d["unchecked"] = unchecked;
  d["expiry_bound_ms"] = bound / 1'000'000;
  d["anomalies_total"] = anomalies;
  if (anomalies) {
    result.verdict = Verdict::kInvalid;
    result.message = std::to_string(lost) + " ephemerals of live sessions lost, " +
                     std::to_string(lingered) + " ephemerals of ended sessions lingered";
  } else if (unchecked) {
    result.verdict = Verdict::kUnknown;
    result.message = std::to_string(unchecked) +
                     " ephemerals of abandoned sessions were never observed after their deadline";
  } else {
    result.verdict = Verdict::kValid;
    result.message = std::to_string(sessions.size()) + " sessions, " +
                     std::to_string(ephemerals.size()) + " ephemerals, " +
                     std::to_string(observations.size()) + " observations: no violation";
  }
  result.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace coord::jepsen
