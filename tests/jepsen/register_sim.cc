#include "tests/jepsen/register_sim.h"

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "jepsen/operation.h"

namespace coord::jepsen::testing {

namespace {

struct InFlight {
  int64_t process;
  std::string f, key;
  Json value;             // the invoke's value
  bool applied = false;
  Json result;            // value of the completion once applied
  OpType outcome = OpType::kOk;
  std::optional<std::string> error;
};

}  // namespace

History SimulateRegisterHistory(const SimOptions& o) {
  std::mt19937_64 rng(o.seed);
  auto coin = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  History out;
  int64_t now = 0;
  auto record = [&](const InFlight& op, OpType type, Json value) {
    Op r;
    r.process = op.process;
    r.type = type;
    r.f = op.f;
    r.key = op.key;
    r.value = std::move(value);
    r.time = now;
    if (type != OpType::kInvoke && type != OpType::kOk) r.error = op.error;
    out.push_back(std::move(r));
  };

  std::map<std::string, std::optional<int64_t>> reg;
  std::vector<std::string> keys;
  for (int k = 0; k < o.keys; ++k) keys.push_back("k" + std::to_string(k));
  int64_t next_value = 1, next_process = o.processes;
  std::vector<int64_t> idle;
  for (int p = 0; p < o.processes; ++p) idle.push_back(p);
  std::vector<InFlight> busy;    // invoked, not completed
  std::vector<InFlight> ghosts;  // recorded info, not applied yet: may apply later or never
  int invoked = 0;

  auto apply = [&](InFlight& op) {
    std::optional<int64_t>& v = reg[op.key];
    if (op.f == "read") {
      op.result = v ? Json(*v) : Json();
    } else if (op.f == "write") {
      v = op.value.get<int64_t>();
      op.result = op.value;
    } else {
      const Json& expected = op.value[0];
      bool match = expected.is_null() ? !v.has_value()
                                      : v.has_value() && *v == expected.get<int64_t>();
      op.result = op.value;
      if (match) {
        v = op.value[1].get<int64_t>();
      } else {
        op.outcome = OpType::kFail;
        op.error = "mismatch";
      }
    }
    op.applied = true;
  };
  auto fresh_value = [&]() -> int64_t {
    return o.unique_values ? next_value++ : static_cast<int64_t>(pick(o.value_domain));
  };

  while (invoked < o.ops || !busy.empty()) {
    now += 1 + static_cast<int64_t>(pick(1000));
    int action = static_cast<int>(pick(4));
    if (action == 0 && invoked < o.ops && !idle.empty()) {
      size_t i = pick(idle.size());
      InFlight op;
      op.process = idle[i];
      idle.erase(idle.begin() + static_cast<ptrdiff_t>(i));
      op.key = keys[pick(keys.size())];
      int kind = static_cast<int>(pick(3));
      if (kind == 0) {
        op.f = "read";
      } else if (kind == 1) {
        op.f = "write";
        op.value = fresh_value();
      } else {
        op.f = "cas";
        std::optional<int64_t> cur = reg[op.key];
        Json expected = coin(0.6) ? (cur ? Json(*cur) : Json()) : Json(fresh_value());
        if (expected.is_null()) expected = 0;  // a cas expects a value; 0 is never written when unique
        op.value = Json::array({expected, fresh_value()});
      }
      record(op, OpType::kInvoke, op.f == "read" ? Json() : op.value);
      busy.push_back(std::move(op));
      ++invoked;
    } else if (action == 1 && !busy.empty()) {
      InFlight& op = busy[pick(busy.size())];
      if (!op.applied) apply(op);
    } else if (action == 2 && !busy.empty()) {
      size_t i = pick(busy.size());
      InFlight op = busy[i];
      busy.erase(busy.begin() + static_cast<ptrdiff_t>(i));
      if (coin(o.info_rate)) {
        op.error = "timeout";
        record(op, OpType::kInfo, op.f == "read" ? Json() : op.value);
        if (!op.applied && coin(0.5)) ghosts.push_back(op);  // else: never takes effect
        idle.push_back(next_process++);
      } else {
        if (!op.applied) apply(op);
        record(op, op.outcome, op.result);
        idle.push_back(op.process);
      }
    } else if (action == 3 && !ghosts.empty()) {
      size_t i = pick(ghosts.size());
      if (coin(0.3)) apply(ghosts[i]);
      ghosts.erase(ghosts.begin() + static_cast<ptrdiff_t>(i));
    }
    if (invoked >= o.ops && !busy.empty() && coin(0.02)) {
      // Leave what is still in flight open: the run "ends" here.
      break;
    }
  }
  return out;
}

size_t InjectStaleRead(History& history) {
  Result<PairedHistory> paired = PairHistory(history);
  if (!paired.ok()) return 0;
  const PairedHistory& h = paired.value();
  // Per key: acknowledged producers in completion order.
  struct Producer {
    int64_t invoke, complete, value;
  };
  std::map<std::string, std::vector<Producer>> producers;
  for (const Operation& op : h.operations) {
    if (op.type != OpType::kOk || !op.key) continue;
    if (op.f == "write") producers[*op.key].push_back({op.invoke_time, *op.complete_time, op.input.get<int64_t>()});
    if (op.f == "cas") producers[*op.key].push_back({op.invoke_time, *op.complete_time, op.input[1].get<int64_t>()});
  }
  // A value v is stale at time t if its producer completed, then another acknowledged producer
  // was invoked after that and completed before t. Unique values: v never comes back.
  auto stale_value = [&](const std::string& key, int64_t t) -> std::optional<int64_t> {
    for (const Producer& old : producers[key]) {
      for (const Producer& newer : producers[key]) {
        if (newer.invoke > old.complete && newer.complete < t) return old.value;
      }
    }
    return std::nullopt;
  };
  for (const Operation& op : h.operations) {
    if (op.f != "read" || op.type != OpType::kOk) continue;
    if (auto v = stale_value(*op.key, op.invoke_time)) {
      history[*op.complete_op].value = *v;
      return *op.complete_op + 1;
    }
  }
  // None in the middle: append a read after everything.
  for (auto& [key, list] : producers) {
    int64_t end = h.end_time + 10;
    if (auto v = stale_value(key, end)) {
      Op r;
      r.process = 1'000'000;
      r.type = OpType::kInvoke;
      r.f = "read";
      r.key = key;
      r.time = end;
      history.push_back(r);
      r.type = OpType::kOk;
      r.value = *v;
      r.time = end + 5;
      history.push_back(r);
      return history.size();
    }
  }
  return 0;
}

}  // namespace coord::jepsen::testing
