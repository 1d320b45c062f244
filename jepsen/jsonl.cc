#include "jepsen/jsonl.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace coord::jepsen {

Status ReadJsonLines(std::istream& in, const std::string& source_name,
                     const std::function<Status(size_t line, Json& value)>& on_line) {
  std::string text;
  size_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) {
      return Status::InvalidArgument(source_name + ":" + std::to_string(line) +
                                     ": not valid JSON: " + text.substr(0, 120));
    }
    Status s = on_line(line, value);
    if (!s.ok()) {
      return Status::InvalidArgument(source_name + ":" + std::to_string(line) + ": " +
                                     s.message());
    }
  }
  if (in.bad()) return Status::IOError(source_name + ": read error");
  return Status::Ok();
}

Status ReadJsonLinesFile(const std::string& path,
                         const std::function<Status(size_t line, Json& value)>& on_line) {
  std::ifstream in(path);
  if (!in) return Status::IOError(path + ": cannot open: " + std::strerror(errno));
  return ReadJsonLines(in, path, on_line);
}

JsonLinesWriter::~JsonLinesWriter() { (void)Close(); }

Status JsonLinesWriter::Open(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  if (file_ != nullptr) return Status::InvalidArgument(path_ + ": already open");
  file_ = std::fopen(path.c_str(), "w");
  if (file_ == nullptr) return Status::IOError(path + ": cannot create: " + std::strerror(errno));
  path_ = path;
  return Status::Ok();
}

Status JsonLinesWriter::Append(const Json& value) {
  std::string line = value.dump();
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  if (file_ == nullptr) return Status::IOError("append to a closed JSON-lines writer");
  // One fwrite per line under the lock: lines of concurrent writers never interleave.
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    return Status::IOError(path_ + ": write failed: " + std::strerror(errno));
  }
  return Status::Ok();
}

Status JsonLinesWriter::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (file_ == nullptr) return Status::Ok();
  int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) return Status::IOError(path_ + ": close failed: " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace coord::jepsen
