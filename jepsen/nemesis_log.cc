#include "jepsen/nemesis_log.h"

#include <algorithm>
#include <deque>
#include <fstream>
#include <map>

namespace coord::jepsen {

Result<FaultEvent> FaultEventFromJson(const Json& line) {
  if (!line.is_object()) return Status::InvalidArgument("a nemesis line must be a JSON object");
  FaultEvent e;
  auto time = line.find("time");
  if (time == line.end() || !time->is_number_integer()) {
    return Status::InvalidArgument("\"time\" must be an integer (ns)");
  }
  e.time = time->get<int64_t>();
  auto type = line.find("type");
  if (type == line.end() || !type->is_string() ||
      (*type != "start" && *type != "stop")) {
    return Status::InvalidArgument("\"type\" must be \"start\" or \"stop\"");
  }
  e.start = *type == "start";
  auto fault = line.find("fault");
  if (fault == line.end() || !fault->is_string() || fault->get<std::string>().empty()) {
    return Status::InvalidArgument("\"fault\" must be a non-empty string");
  }
  e.fault = fault->get<std::string>();
  if (auto d = line.find("detail"); d != line.end()) e.detail = *d;
  return e;
}

Json FaultEventToJson(const FaultEvent& e) {
  Json j = Json::object();
  j["time"] = e.time;
  j["type"] = e.start ? "start" : "stop";
  j["fault"] = e.fault;
  j["detail"] = e.detail;
  return j;
}

Result<std::vector<FaultEvent>> ParseNemesisLog(std::istream& in, const std::string& source_name) {
  std::vector<FaultEvent> events;
  Status s = ReadJsonLines(in, source_name, [&](size_t line, Json& value) -> Status {
    Result<FaultEvent> e = FaultEventFromJson(value);
    if (!e.ok()) return e.status();
    e->line = line;
    events.push_back(std::move(e.value()));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return events;
}

Result<std::vector<FaultEvent>> ReadNemesisLogFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IOError(path + ": cannot open");
  return ParseNemesisLog(in, path);
}

Result<std::vector<FaultWindow>> FaultWindows(const std::vector<FaultEvent>& events) {
  std::vector<FaultWindow> windows;
  std::map<std::string, std::deque<size_t>> open;  // fault -> indices of open windows
  for (const FaultEvent& e : events) {
    if (e.start) {
      open[e.fault].push_back(windows.size());
      windows.push_back({e.fault, e.detail, e.time, std::nullopt});
      continue;
    }
    auto it = open.find(e.fault);
    if (it == open.end() || it->second.empty()) {
      return Status::InvalidArgument("line " + std::to_string(e.line) + ": stop of \"" + e.fault +
                                     "\" with no open start");
    }
    windows[it->second.front()].stop = e.time;
    it->second.pop_front();
  }
  std::stable_sort(windows.begin(), windows.end(),
                   [](const FaultWindow& a, const FaultWindow& b) { return a.start < b.start; });
  return windows;
}

}  // namespace coord::jepsen
