#include "jepsen/set_checker.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace coord::jepsen {

namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

struct Read {
  size_t op;
  int64_t invoke, complete;
  std::unordered_set<int64_t> elements;
};

struct Element {
  std::vector<size_t> adds;        // every add of it
  int64_t first_add_invoke = kNever;  // earliest invoke of an add that did not fail
  int64_t acked = kNever;           // earliest completion of an ok add
  size_t acked_op = 0;
  int64_t seen = kNever;            // earliest completion of a read that returned it
  size_t seen_op = 0;
  bool any_ok = false, any_info = false;
  int64_t visible() const { return std::min(acked, seen); }
};

// What the checks of a history's sets found, summed over the sets.
struct SetTotals {
  size_t attempted = 0, acknowledged = 0, failed = 0, indeterminate = 0, recovered = 0;
  size_t reads = 0, final_read_size = 0, lost = 0, phantom = 0, unchecked = 0, anomalies = 0;
  size_t sets_without_read = 0;  // sets with adds but no ok read: nothing checks them
};

// Checks the set made of `ops` (indexes into history.operations), adding what it finds to
// `totals` and reporting anomalies through `report_anomaly`; `label` names the set in messages
// ("" when the history has one unnamed set).
Status CheckOneSet(const PairedHistory& history, const std::vector<size_t>& ops,
                   const std::string& label, const std::function<void(Anomaly)>& report_anomaly,
                   SetTotals* totals) {
  std::map<int64_t, Element> elements;
  std::vector<Read> reads;
  for (size_t index : ops) {
    const Operation& op = history.operations[index];
    if (op.f == "add") {
      if (!op.input.is_number_integer()) return history.Malformed(op, "an add's value must be an integer");
      Element& e = elements[op.input.get<int64_t>()];
      e.adds.push_back(op.index);
      if (op.type != OpType::kFail) e.first_add_invoke = std::min(e.first_add_invoke, op.invoke_time);
      if (op.type == OpType::kOk) {
        e.any_ok = true;
        if (*op.complete_time < e.acked) e.acked = *op.complete_time, e.acked_op = op.index;
      }
      if (op.type == OpType::kInfo) e.any_info = true;
    } else if (op.f == "read") {
      if (op.type != OpType::kOk) continue;
      if (!op.output.is_array()) return history.Malformed(op, "an ok read must return an array");
      Read r{op.index, op.invoke_time, *op.complete_time, {}};
      for (const Json& v : op.output) {
        if (!v.is_number_integer()) return history.Malformed(op, "set elements must be integers");
        r.elements.insert(v.get<int64_t>());
      }
      reads.push_back(std::move(r));
    } else {
      return history.Malformed(op, "f \"" + op.f + "\" is not a set operation (add, read)");
    }
  }

  size_t anomalies = 0;
  const std::string in_set = label.empty() ? "" : " of set " + label;
  auto report = [&](Anomaly a) {
    ++anomalies;
    a.message += in_set;
    if (!label.empty()) a.key = label + " " + a.key;
    report_anomaly(std::move(a));
  };

  // Phantoms, and when each element was first seen.
  std::unordered_set<int64_t> phantom;
  for (const Read& r : reads) {
    const Operation& rop = history.operations[r.op];
    if (r.elements.size() != rop.output.size()) {
      report({"duplicate-element", "read", "a read returned the same element more than once",
              {r.op}, {r.op}});
    }
    for (int64_t v : r.elements) {
      auto it = elements.find(v);
      std::string why;
      if (it == elements.end()) why = "was never added";
      else if (it->second.first_add_invoke == kNever) why = "was only added by adds that failed";
      else if (it->second.first_add_invoke > r.complete) why = "was added only after this read returned";
      if (!why.empty()) {
        if (phantom.insert(v).second) {
          std::vector<size_t> ops = {r.op};
          if (it != elements.end()) ops.insert(ops.end(), it->second.adds.begin(), it->second.adds.end());
          std::sort(ops.begin(), ops.end());
          report({"phantom-add", std::to_string(v),
                  "element " + std::to_string(v) + " is in a read by process " +
                      std::to_string(rop.process) + " but " + why,
                  ops, {r.op}});
        }
        continue;
      }
      Element& e = it->second;
      if (r.complete < e.seen) e.seen = r.complete, e.seen_op = r.op;
    }
  }

  // Lost: missing from a read invoked after the element was surely visible.
  std::vector<std::pair<int64_t, int64_t>> by_visible;  // (visible since, element)
  for (auto& [v, e] : elements) {
    if (e.visible() != kNever && !phantom.count(v)) by_visible.push_back({e.visible(), v});
  }
  std::sort(by_visible.begin(), by_visible.end());
  std::vector<size_t> reads_by_invoke(reads.size());
  for (size_t i = 0; i < reads.size(); ++i) reads_by_invoke[i] = i;
  std::sort(reads_by_invoke.begin(), reads_by_invoke.end(),
            [&](size_t a, size_t b) { return reads[a].invoke < reads[b].invoke; });
  std::unordered_set<int64_t> lost;
  for (size_t ri : reads_by_invoke) {
    const Read& r = reads[ri];
    for (auto& [since, v] : by_visible) {
      if (since >= r.invoke) break;
      if (r.elements.count(v) || lost.count(v)) continue;
      lost.insert(v);
      const Element& e = elements[v];
      bool acked = e.acked <= e.seen;
      size_t witness = acked ? e.acked_op : e.seen_op;
      std::vector<size_t> ops = {witness, r.op};
      std::sort(ops.begin(), ops.end());
      std::string msg = "element " + std::to_string(v) + " is missing from a read by process " +
                        std::to_string(history.operations[r.op].process) + " invoked after " +
                        (acked ? "its add was acknowledged" : "an earlier read had returned it");
      report({"lost-add", std::to_string(v), msg, ops, {r.op}});
    }
  }

  // Acknowledged adds never followed by a read: nothing could check them.
  int64_t last_read_invoke = std::numeric_limits<int64_t>::min();
  for (const Read& r : reads) last_read_invoke = std::max(last_read_invoke, r.invoke);
  size_t attempted = elements.size(), acknowledged = 0, failed = 0, indeterminate = 0;
  size_t recovered = 0, unchecked = 0;
  for (auto& [v, e] : elements) {
    if (e.any_ok) ++acknowledged;
    else if (e.any_info) ++indeterminate;
    else ++failed;
    if (!e.any_ok && e.seen != kNever) ++recovered;
    if (e.any_ok && e.acked >= last_read_invoke) ++unchecked;
  }
  SetTotals& t = *totals;
  t.attempted += attempted;
  t.acknowledged += acknowledged;
  t.failed += failed;
  t.indeterminate += indeterminate;
  t.recovered += recovered;
  t.reads += reads.size();
  t.final_read_size += reads.empty() ? 0 : reads[reads_by_invoke.back()].elements.size();
  t.lost += lost.size();
  t.phantom += phantom.size();
  t.unchecked += unchecked;
  t.anomalies += anomalies;
  if (reads.empty() && attempted > 0) ++t.sets_without_read;
  return Status::Ok();
}

}  // namespace

Result<CheckResult> CheckSetHistory(const PairedHistory& history) {
  auto started = std::chrono::steady_clock::now();
  // Sets are independent: one per key (the ops without a key form one set of their own).
  std::map<std::string, std::vector<size_t>> by_key;
  for (const Operation& op : history.operations) by_key[op.key.value_or("")].push_back(op.index);

  CheckResult result;
  result.checker = "set";
  auto report = [&](Anomaly a) {
    if (result.anomalies.size() < kMaxAnomalies) result.anomalies.push_back(std::move(a));
  };
  SetTotals total;
  for (const auto& [key, ops] : by_key) {
    const std::string label = by_key.size() == 1 ? "" : (key.empty() ? "(no key)" : key);
    Status s = CheckOneSet(history, ops, label, report, &total);
    if (!s.ok()) return s;
  }
  Json& d = result.details;
  d["sets"] = by_key.size();
  d["attempted"] = total.attempted;
  d["acknowledged"] = total.acknowledged;
  d["failed"] = total.failed;
  d["indeterminate"] = total.indeterminate;
  d["recovered"] = total.recovered;
  d["reads"] = total.reads;
  d["final_read_size"] = total.final_read_size;
  d["lost"] = total.lost;
  d["phantom"] = total.phantom;
  d["unchecked"] = total.unchecked;
  d["anomalies_total"] = total.anomalies;
  const std::string sets = by_key.size() > 1 ? " in " + std::to_string(by_key.size()) + " sets" : "";
  if (total.anomalies) {
    result.verdict = Verdict::kInvalid;
    result.message = std::to_string(total.lost) + " lost, " + std::to_string(total.phantom) +
                     " phantom elements" + sets;
  } else if (total.reads == 0 || total.sets_without_read > 0) {
    result.verdict = Verdict::kUnknown;
    result.message = total.reads == 0 ? "no successful read: nothing to check the adds against"
                                      : std::to_string(total.sets_without_read) +
                                            " sets with adds have no successful read";
  } else if (total.unchecked) {
    result.verdict = Verdict::kUnknown;
    result.message = std::to_string(total.unchecked) +
                     " acknowledged adds were never followed by a read (no final read?)";
  } else {
    result.verdict = Verdict::kValid;
    result.message = "all " + std::to_string(total.acknowledged) + " acknowledged adds present" + sets +
                     ", " + std::to_string(total.recovered) + " indeterminate adds recovered, no phantoms";
  }
  result.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace coord::jepsen
