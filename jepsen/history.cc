#include "jepsen/history.h"

#include <fstream>

namespace coord::jepsen {

const char* OpTypeName(OpType type) {
  switch (type) {
    case OpType::kInvoke: return "invoke";
    case OpType::kOk: return "ok";
    case OpType::kFail: return "fail";
    case OpType::kInfo: return "info";
  }
  return "?";
}

std::optional<OpType> ParseOpType(const std::string& name) {
  if (name == "invoke") return OpType::kInvoke;
  if (name == "ok") return OpType::kOk;
  if (name == "fail") return OpType::kFail;
  if (name == "info") return OpType::kInfo;
  return std::nullopt;
}

Result<Op> OpFromJson(const Json& line) {
  if (!line.is_object()) return Status::InvalidArgument("a history line must be a JSON object");
  Op op;
  bool have_process = false, have_type = false, have_f = false, have_time = false;
  for (auto it = line.begin(); it != line.end(); ++it) {
    const std::string& name = it.key();
    const Json& v = it.value();
    if (name == "process") {
      if (!v.is_number_integer()) return Status::InvalidArgument("\"process\" must be an integer");
      op.process = v.get<int64_t>();
      have_process = true;
    } else if (name == "type") {
      std::optional<OpType> t = v.is_string() ? ParseOpType(v.get<std::string>()) : std::nullopt;
      if (!t) return Status::InvalidArgument("\"type\" must be one of invoke, ok, fail, info");
      op.type = *t;
      have_type = true;
    } else if (name == "f") {
      if (!v.is_string()) return Status::InvalidArgument("\"f\" must be a string");
      op.f = v.get<std::string>();
      have_f = true;
    } else if (name == "key") {
      if (!v.is_string()) return Status::InvalidArgument("\"key\" must be a string");
      op.key = v.get<std::string>();
    } else if (name == "value") {
      op.value = v;
    } else if (name == "time") {
      if (!v.is_number_integer()) return Status::InvalidArgument("\"time\" must be an integer (ns)");
      op.time = v.get<int64_t>();
      have_time = true;
    } else if (name == "error") {
      // Null is tolerated as "no error": some clients always emit the field.
      if (v.is_null()) continue;
      if (!v.is_string()) return Status::InvalidArgument("\"error\" must be a string");
      op.error = v.get<std::string>();
    } else {
      op.extra[name] = v;
    }
  }
  if (!have_process) return Status::InvalidArgument("missing \"process\"");
  if (!have_type) return Status::InvalidArgument("missing \"type\"");
  if (!have_f) return Status::InvalidArgument("missing \"f\"");
  if (!have_time) return Status::InvalidArgument("missing \"time\"");
  return op;
}

Json OpToJson(const Op& op) {
  Json j = Json::object();
  j["process"] = op.process;
  j["type"] = OpTypeName(op.type);
  j["f"] = op.f;
  if (op.key) j["key"] = *op.key;
  j["value"] = op.value;
  j["time"] = op.time;
  if (op.error) j["error"] = *op.error;
  for (auto it = op.extra.begin(); it != op.extra.end(); ++it) j[it.key()] = it.value();
  return j;
}

Result<History> ParseHistory(std::istream& in, const std::string& source_name) {
  History history;
  Status s = ReadJsonLines(in, source_name, [&](size_t line, Json& value) -> Status {
    Result<Op> op = OpFromJson(value);
    if (!op.ok()) return op.status();
    op->line = line;
    history.push_back(std::move(op.value()));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return history;
}

Result<History> ReadHistoryFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IOError(path + ": cannot open");
  return ParseHistory(in, path);
}

}  // namespace coord::jepsen
