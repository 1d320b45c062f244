#include "jepsen/register_checker.h"

#include <cstdio>
#include <map>

#include "jepsen/linearizability.h"

namespace coord::jepsen {

namespace {

using Clock = std::chrono::steady_clock;

std::optional<int64_t> IntOrNull(const Json& v, bool* ok) {
  if (v.is_null()) return std::nullopt;
  if (v.is_number_integer()) return v.get<int64_t>();
  *ok = false;
  return std::nullopt;
}

// The register op for `op`, or nullopt if it carries no information (a failed write, an
// unknown read).
Result<std::optional<RegisterOp>> ToRegisterOp(const PairedHistory& h, const Operation& op) {
  RegisterOp r;
  r.id = op.index;
  r.call = op.invoke_time;
  r.ret = op.end_time_or(h.end_time);
  r.indeterminate = op.type == OpType::kInfo;
  bool ok = true;
  if (op.f == "read") {
    if (op.type != OpType::kOk) return std::optional<RegisterOp>();
    r.kind = RegisterOp::Kind::kRead;
    r.value = IntOrNull(op.output, &ok);
    if (!ok) return h.Malformed(op, "a read must return an integer or null");
  } else if (op.f == "write") {
    r.kind = RegisterOp::Kind::kWrite;
    if (!op.input.is_number_integer()) return h.Malformed(op, "a write's value must be an integer");
    r.value = op.input.get<int64_t>();
    if (op.type == OpType::kFail) return std::optional<RegisterOp>();
  } else if (op.f == "cas") {
    if (!op.input.is_array() || op.input.size() != 2 || !op.input[1].is_number_integer()) {
      return h.Malformed(op, "a cas value must be [expected, new] with an integer new value");
    }
    r.kind = RegisterOp::Kind::kCas;
    r.value = IntOrNull(op.input[0], &ok);
    r.new_value = op.input[1].get<int64_t>();
    if (!ok) return h.Malformed(op, "a cas's expected value must be an integer or null");
    if (op.type == OpType::kFail) {
      if (op.error != "mismatch") return std::optional<RegisterOp>();
      r.kind = RegisterOp::Kind::kCasMismatch;
      r.new_value.reset();
    }
  } else {
    return h.Malformed(op, "f \"" + op.f + "\" is not a register operation (read, write, cas)");
  }
  return std::optional<RegisterOp>(r);
}

std::string Seconds(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ns) / 1e9);
  return buf;
}

}  // namespace

Result<CheckResult> CheckRegisterHistory(const PairedHistory& history,
                                         const RegisterCheckOptions& options) {
  Clock::time_point started = Clock::now();
  Clock::time_point overall_deadline = started + options.total_budget;
  std::map<std::string, std::vector<RegisterOp>> by_key;
  for (const Operation& op : history.operations) {
    if (!op.key) return history.Malformed(op, "a register operation needs a \"key\"");
    Result<std::optional<RegisterOp>> r = ToRegisterOp(history, op);
    if (!r.ok()) return r.status();
    std::vector<RegisterOp>& ops = by_key[*op.key];  // every key listed, even if all ops drop
    if (r.value()) ops.push_back(*r.value());
  }

  CheckResult result;
  result.checker = "linearizable";
  Json keys = Json::object();
  size_t invalid = 0, unknown = 0;
  for (auto& [key, ops] : by_key) {
    Json k = Json::object();
    k["ops"] = ops.size();
    Clock::time_point key_started = Clock::now();
    if (key_started >= overall_deadline) {
      ++unknown;
      k["verdict"] = "unknown";
      k["reason"] = "overall time budget exhausted before this key";
      keys[key] = k;
      continue;
    }
    Budget budget;
    budget.deadline = std::min(overall_deadline, key_started + options.per_key_budget);
    budget.max_steps = options.max_steps_per_key;
    budget.max_memory_bytes = options.max_memory_per_key;
    LinearizabilityResult lin = CheckRegisterLinearizable(std::move(ops), budget);
    k["verdict"] = VerdictName(lin.verdict);
    k["steps"] = lin.steps;
    k["configurations"] = lin.configurations;
    k["ms"] = std::chrono::duration<double, std::milli>(Clock::now() - key_started).count();
    if (!lin.reason.empty()) k["reason"] = lin.reason;
    if (lin.verdict == Verdict::kUnknown) ++unknown;
    if (lin.verdict == Verdict::kInvalid) {
      ++invalid;
      const Operation& c = history.operations[*lin.culprit];
      size_t prefix = 0;
      for (const Operation& op : history.operations) {
        if (op.key == key && op.invoke_time <= lin.failed_at) ++prefix;
      }
      k["failed_at"] = lin.failed_at;
      k["prefix_ops"] = prefix;
      if (result.anomalies.size() < kMaxAnomalies) {
        Anomaly a;
        a.kind = "nonlinearizable";
        a.key = key;
        a.message = "key " + key + ": " + DescribeOperation(c) + " by process " +
                    std::to_string(c.process) + " (invoked at " + Seconds(c.invoke_time) +
                    ", line " + std::to_string(history.history[c.invoke_op].line) + "): " +
                    lin.reason + ". The first " + std::to_string(prefix) +
                    " operations on this key, up to " + Seconds(lin.failed_at) +
                    ", already have no linearization.";
        a.ops = lin.involved;
        a.culprits = {*lin.culprit};
        result.anomalies.push_back(std::move(a));
      }
    }
    keys[key] = k;
  }
  result.details["keys"] = keys;
  result.details["anomalies_total"] = invalid;
  if (invalid) {
    result.verdict = Verdict::kInvalid;
    result.message = std::to_string(invalid) + " of " + std::to_string(by_key.size()) +
                     " keys are not linearizable";
  } else if (unknown) {
    result.verdict = Verdict::kUnknown;
    result.message = std::to_string(unknown) + " of " + std::to_string(by_key.size()) +
                     " keys could not be decided within the budget";
  } else {
    result.verdict = Verdict::kValid;
    result.message = "all " + std::to_string(by_key.size()) + " keys are linearizable";
  }
  result.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  return result;
}

}  // namespace coord::jepsen
