#include "jepsen/watch_checker.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <set>
#include <tuple>

namespace coord::jepsen {

namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

using EventKey = std::tuple<int64_t, std::string, std::string>;  // zxid, type, path

struct Received {
  int64_t zxid;
  std::string type, path;
  size_t op;
};

struct Watcher {
  int64_t process = 0;
  std::optional<int64_t> start;
  int64_t last = kMin;                               // highest zxid received so far
  std::vector<Received> events;                      // in receive order, resyncs excluded
  std::vector<std::pair<int64_t, int64_t>> compacted;  // (from, to] covered by a resync
  std::set<EventKey> delivered;
  std::map<int64_t, std::vector<size_t>> by_zxid;    // zxid -> positions in events
};

struct TruthEvent {
  std::string type, path;
  std::optional<size_t> write_op;  // the ok write that implies it
  std::vector<size_t> event_ops;   // receptions of it, by any watcher
};

const char* EventOf(const std::string& f) {
  if (f == "create") return "created";
  if (f == "set") return "data_changed";
  if (f == "delete") return "deleted";
  return nullptr;
}

bool KnownType(const std::string& t) {
  return t == "created" || t == "data_changed" || t == "deleted";
}

std::string Z(int64_t z) { return std::to_string(z); }

}  // namespace

Result<CheckResult> CheckWatchHistory(const PairedHistory& history) {
  auto started = std::chrono::steady_clock::now();
  std::map<int64_t, Watcher> watchers;
  std::map<int64_t, std::vector<TruthEvent>> truth;
  std::vector<size_t> uncertain_writes;  // writes that may have happened, zxid unknown
  size_t ok_writes = 0, resyncs = 0, received = 0;

  CheckResult result;
  result.checker = "watch";
  std::map<std::string, size_t> counts;
  auto report = [&](Anomaly a) {
    ++counts[a.kind];
    if (result.anomalies.size() < kMaxAnomalies) result.anomalies.push_back(std::move(a));
  };

  for (const Operation& op : history.operations) {
    if (const char* type = EventOf(op.f)) {
      if (!op.key) return history.Malformed(op, op.f + " needs the path as key");
      if (op.type == OpType::kFail) continue;
      const Json& z = history.completion_extra(op, "zxid");
      if (op.type == OpType::kOk && z.is_number_integer()) {
        ++ok_writes;
        truth[z.get<int64_t>()].push_back({type, *op.key, op.index, {}});
      } else {
        uncertain_writes.push_back(op.index);
      }
      continue;
    }
    if (op.f == "watch") {
      Watcher& w = watchers[op.process];
      w.process = op.process;
      const Json& z = history.completion_extra(op, "zxid");
      if (op.type == OpType::kOk && z.is_number_integer() && !w.start) w.start = z.get<int64_t>();
      continue;
    }
    if (op.f != "event") {
      return history.Malformed(op, "f \"" + op.f + "\" is not a watch-workload operation");
    }
    const Json& zj = history.completion_extra(op, "zxid");
    if (!zj.is_number_integer()) return history.Malformed(op, "an event needs an integer \"zxid\"");
    if (!op.output.is_string()) return history.Malformed(op, "an event's value must be its type");
    if (!op.key) return history.Malformed(op, "an event needs the path as key");
    int64_t z = zj.get<int64_t>();
    std::string type = op.output.get<std::string>();
    Watcher& w = watchers[op.process];
    w.process = op.process;
    if (type == "progress") {
      // A bookmark: everything the watch matches up to z has been delivered.
      if (z < w.last) {
        report({"watch-reorder", "process " + std::to_string(w.process),
                "process " + std::to_string(w.process) + " was told its position is zxid " + Z(z) +
                    " after it had received zxid " + Z(w.last) + " (positions never go down)",
                {}, {op.index}});
      } else {
        if (!w.start) w.start = z;
        w.last = z;
      }
      continue;
    }
    if (type == "resync") {
      ++resyncs;
      if (z > w.last) {
        w.compacted.push_back({w.last == kMin ? w.start.value_or(kMin) : w.last, z});
        w.last = z;
      }
      continue;
    }
    ++received;
    EventKey key{z, type, *op.key};
    if (w.delivered.count(key)) {
      report({"watch-duplicate", "process " + std::to_string(w.process),
              "process " + std::to_string(w.process) + " received " + type + " " + *op.key +
                  " at zxid " + Z(z) + " twice",
              {}, {op.index}});
    } else if (z < w.last) {
      report({"watch-reorder", "process " + std::to_string(w.process),
              "process " + std::to_string(w.process) + " received zxid " + Z(z) + " (" + type +
                  " " + *op.key + ") after zxid " + Z(w.last),
              {}, {op.index}});
    }
    if (!w.start) w.start = z - 1;
    w.by_zxid[z].push_back(w.events.size());
    w.events.push_back({z, type, *op.key, op.index});
    w.delivered.insert(key);
    w.last = std::max(w.last, z);
    std::vector<TruthEvent>& at = truth[z];
    auto it = std::find_if(at.begin(), at.end(), [&](const TruthEvent& t) {
      return t.type == type && t.path == *op.key;
    });
    if (it == at.end()) at.push_back({type, *op.key, std::nullopt, {op.index}});
    else it->event_ops.push_back(op.index);
  }
  // Duplicates and reorders: fill in the events received just before, for the timeline.
  for (Anomaly& a : result.anomalies) {
    size_t culprit = a.culprits[0];
    const Watcher& w = watchers[history.operations[culprit].process];
    for (size_t i = 0; i < w.events.size(); ++i) {
      if (w.events[i].op != culprit) continue;
      for (size_t j = i >= 3 ? i - 3 : 0; j <= i; ++j) a.ops.push_back(w.events[j].op);
      break;
    }
  }

  // Phantoms: events that no write explains.
  for (auto& [z, events] : truth) {
    std::optional<size_t> write;
    for (const TruthEvent& t : events) if (t.write_op) write = t.write_op;
    for (const TruthEvent& t : events) {
      if (t.write_op || !KnownType(t.type)) continue;
      const Operation& first = history.operations[t.event_ops.front()];
      std::string why;
      if (write) {
        const Operation& wo = history.operations[*write];
        why = "the write at zxid " + Z(z) + " was " + wo.f + " " + wo.key.value_or("");
      } else {
        bool explained = std::any_of(uncertain_writes.begin(), uncertain_writes.end(), [&](size_t i) {
          const Operation& wo = history.operations[i];
          return wo.key == t.path && EventOf(wo.f) == t.type && wo.invoke_time <= first.invoke_time;
        });
        if (explained) continue;
        why = "no " + t.type + " of " + t.path + " was attempted before it was received";
      }
      std::vector<size_t> ops = t.event_ops;
      if (ops.size() > 6) ops.resize(6);
      if (write) ops.push_back(*write);
      std::sort(ops.begin(), ops.end());
      report({"watch-phantom", t.path,
              "event " + t.type + " " + t.path + " at zxid " + Z(z) + " was received but " + why,
              ops, {t.event_ops.front()}});
    }
  }

  // Gaps and disagreements, per watcher over its range.
  for (auto& [p, w] : watchers) {
    if (!w.start || w.last == kMin) continue;
    auto compacted = [&](int64_t z) {
      return std::any_of(w.compacted.begin(), w.compacted.end(),
                         [&](auto& r) { return z > r.first && z <= r.second; });
    };
    struct Missing { int64_t z; const TruthEvent* t; bool disagreement; };
    std::vector<Missing> missing;
    for (auto it = truth.upper_bound(*w.start); it != truth.end() && it->first <= w.last; ++it) {
      if (compacted(it->first)) continue;
      for (const TruthEvent& t : it->second) {
        if (w.delivered.count({it->first, t.type, t.path})) continue;
        missing.push_back({it->first, &t, w.by_zxid.count(it->first) > 0});
      }
    }
    // One anomaly per run of missing events with nothing received in between.
    for (size_t i = 0; i < missing.size();) {
      size_t j = i + 1;
      while (j < missing.size() && missing[j].disagreement == missing[i].disagreement &&
             w.by_zxid.lower_bound(missing[i].z + (missing[i].disagreement ? 0 : 1)) ==
                 w.by_zxid.lower_bound(missing[j].z)) {
        ++j;
      }
      const Missing& m = missing[i];
      std::vector<size_t> ops;
      // What the watcher received around the hole, and who else saw the missing events.
      auto after = w.by_zxid.lower_bound(m.z);
      if (after != w.by_zxid.begin()) ops.push_back(w.events[std::prev(after)->second.back()].op);
      if (after != w.by_zxid.end()) {
        for (size_t pos : after->second) ops.push_back(w.events[pos].op);
      }
      for (size_t k = i; k < j && k < i + 4; ++k) {
        if (missing[k].t->write_op) ops.push_back(*missing[k].t->write_op);
        if (!missing[k].t->event_ops.empty()) ops.push_back(missing[k].t->event_ops.front());
      }
      std::sort(ops.begin(), ops.end());
      ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
      std::string what = m.t->type + " " + m.t->path + " at zxid " + Z(m.z);
      if (j - i > 1) {
        what += " and " + std::to_string(j - i - 1) + " more up to zxid " + Z(missing[j - 1].z);
      }
      std::vector<size_t> culprits;
      if (after != w.by_zxid.end()) culprits.push_back(w.events[after->second.front()].op);
      if (m.disagreement) {
        report({"watch-disagreement", "process " + std::to_string(p),
                "process " + std::to_string(p) + " received zxid " + Z(m.z) +
                    " with other events than the rest of the history shows: it is missing " + what,
                ops, culprits});
      } else {
        report({"watch-gap", "process " + std::to_string(p),
                "process " + std::to_string(p) + " never received " + what +
                    ", although it received later events",
                ops, culprits});
      }
      i = j;
    }
  }

  // Order of the events within one zxid (a multi) must be the same for everyone.
  std::map<int64_t, std::pair<int64_t, std::vector<std::pair<std::string, std::string>>>> order;
  for (auto& [p, w] : watchers) {
    for (auto& [z, positions] : w.by_zxid) {
      if (positions.size() < 2) continue;
      std::vector<std::pair<std::string, std::string>> seq;
      for (size_t pos : positions) seq.push_back({w.events[pos].type, w.events[pos].path});
      auto [it, inserted] = order.emplace(z, std::make_pair(p, seq));
      if (inserted || it->second.second == seq) continue;
      auto a = it->second.second, b = seq;
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      if (a != b) continue;  // different sets: reported as missing events above
      std::vector<size_t> ops;
      for (size_t pos : positions) ops.push_back(w.events[pos].op);
      for (size_t pos : watchers[it->second.first].by_zxid[z]) {
        ops.push_back(watchers[it->second.first].events[pos].op);
      }
      std::sort(ops.begin(), ops.end());
      report({"watch-disagreement", "process " + std::to_string(p),
              "processes " + std::to_string(it->second.first) + " and " + std::to_string(p) +
                  " received the events of zxid " + Z(z) + " in different orders",
              ops, {w.events[positions.front()].op}});
    }
  }
  for (Anomaly& a : result.anomalies) {
    std::sort(a.ops.begin(), a.ops.end());
    a.ops.erase(std::unique(a.ops.begin(), a.ops.end()), a.ops.end());
  }

  size_t total = 0;
  Json kinds = Json::object();
  for (auto& [k, n] : counts) kinds[k] = n, total += n;
  Json& d = result.details;
  d["watchers"] = watchers.size();
  d["events_received"] = received;
  d["resyncs"] = resyncs;
  d["ok_writes"] = ok_writes;
  size_t distinct = 0;
  for (auto& [z, events] : truth) distinct += events.size();
  d["distinct_events"] = distinct;
  d["anomalies_by_kind"] = kinds;
  d["anomalies_total"] = total;
  if (total) {
    result.verdict = Verdict::kInvalid;
    result.message = std::to_string(total) + " watch anomalies";
  } else if (received == 0) {
    result.verdict = Verdict::kUnknown;
    result.message = "no watcher received any event: nothing to check";
  } else {
    result.verdict = Verdict::kValid;
    result.message = std::to_string(watchers.size()) + " watchers agree on " +
                     std::to_string(truth.size()) + " zxids, no gaps";
  }
  result.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace coord::jepsen
