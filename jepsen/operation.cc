#include "jepsen/operation.h"

#include <algorithm>
#include <unordered_map>

namespace coord::jepsen {

namespace {

std::string LineRef(const Op& op) {
  return op.line ? "line " + std::to_string(op.line) : "record";
}

std::string Compact(const Json& v) {
  if (v.is_null()) return "nil";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array() && v.size() > 8) return "[" + std::to_string(v.size()) + " items]";
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

}  // namespace

Status PairedHistory::Malformed(const Operation& op, const std::string& what) const {
  const Op& rec = history[op.complete_op.value_or(op.invoke_op)];
  std::string where = rec.line ? "line " + std::to_string(rec.line) + ": " : "";
  return Status::InvalidArgument(where + what);
}

const Json& PairedHistory::completion_extra(const Operation& op, const std::string& name) const {
  static const Json kNull;
  if (!op.complete_op) return kNull;
  const Op& c = history[*op.complete_op];
  auto it = c.extra.find(name);
  return it == c.extra.end() ? kNull : *it;
}

Result<PairedHistory> PairHistory(History history, const PairOptions& options) {
  PairedHistory out;
  out.history = std::move(history);
  const History& h = out.history;
  if (!h.empty()) out.start_time = h.front().time;
  std::unordered_map<int64_t, size_t> open;          // process -> index in operations
  std::unordered_map<int64_t, size_t> ended_info;    // process -> line of its info completion
  for (size_t i = 0; i < h.size(); ++i) {
    const Op& rec = h[i];
    out.start_time = std::min(out.start_time, rec.time);
    out.end_time = std::max(out.end_time, rec.time);
    if (rec.type != OpType::kInvoke && options.notifications.count(rec.f)) {
      Operation n;
      n.index = out.operations.size();
      n.process = rec.process;
      n.f = rec.f;
      n.key = rec.key;
      n.type = rec.type;
      n.input = rec.value;
      n.output = rec.value;
      n.error = rec.error;
      n.invoke_time = rec.time;
      n.complete_time = rec.time;
      n.invoke_op = i;
      n.complete_op = i;
      n.notification = true;
      out.operations.push_back(std::move(n));
      continue;
    }
    if (rec.type == OpType::kInvoke) {
      if (auto it = open.find(rec.process); it != open.end()) {
        const Op& prev = h[out.operations[it->second].invoke_op];
        return Status::InvalidArgument(LineRef(rec) + ": process " + std::to_string(rec.process) +
                                       " invokes while its operation from " + LineRef(prev) +
                                       " is still open");
      }
      if (auto it = ended_info.find(rec.process); it != ended_info.end()) {
        out.warnings.push_back(LineRef(rec) + ": process " + std::to_string(rec.process) +
                               " issues an operation after an info at line " +
                               std::to_string(it->second) + " (it should use a fresh process)");
        ended_info.erase(it);
      }
      Operation o;
      o.index = out.operations.size();
      o.process = rec.process;
      o.f = rec.f;
      o.key = rec.key;
      o.type = OpType::kInfo;  // until a completion says otherwise
      o.input = rec.value;
      o.invoke_time = rec.time;
      o.invoke_op = i;
      open[rec.process] = o.index;
      out.operations.push_back(std::move(o));
      continue;
    }
    auto it = open.find(rec.process);
    if (it == open.end()) {
      return Status::InvalidArgument(LineRef(rec) + ": " + OpTypeName(rec.type) + " for process " +
                                     std::to_string(rec.process) + " with no open invoke");
    }
    Operation& o = out.operations[it->second];
    if (rec.f != o.f || rec.key != o.key) {
      return Status::InvalidArgument(LineRef(rec) + ": completion (" + rec.f + " " +
                                     rec.key.value_or("") + ") does not match its invoke at " +
                                     LineRef(h[o.invoke_op]) + " (" + o.f + " " +
                                     o.key.value_or("") + ")");
    }
    o.type = rec.type;
    o.output = rec.value;
    o.error = rec.error;
    o.complete_time = rec.time;
    o.complete_op = i;
    open.erase(it);
    if (rec.type == OpType::kInfo) ended_info[rec.process] = rec.line;
  }
  return out;
}

std::string DescribeOperation(const Operation& op) {
  const Json& in = op.input;
  const Json& result = op.type == OpType::kOk ? op.output : op.input;
  if (op.f == "read") return "r " + Compact(op.type == OpType::kOk ? op.output : Json());
  if (op.f == "write") return "w " + Compact(in);
  if (op.f == "cas" && in.is_array() && in.size() == 2) {
    return "cas " + Compact(in[0]) + "->" + Compact(in[1]);
  }
  std::string s = op.f;
  if (op.key) s += " " + *op.key;
  if (!result.is_null()) s += " " + Compact(result);
  return s;
}

}  // namespace coord::jepsen
