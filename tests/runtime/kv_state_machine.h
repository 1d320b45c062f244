// KvStateMachine: a minimal replicated key-value store for testing the Raft runtime without
// coord's namespace. Commands are "key=value"; the response is "index:<applied index>".
// Snapshots are "key=value\n" lines prefixed by the applied index.
//
// Thread-safety: Apply/Capture/Restore on the apply thread (the runtime's contract); Get()
// and size() may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>

#include "raft/state_machine.h"

namespace coord::raft::testing {

class KvStateMachine : public StateMachine {
 public:
  std::string Apply(uint64_t index, std::string_view command) override {
    std::lock_guard<std::mutex> lock(mu_);
    last_applied_ = index;
    if (!command.empty()) {
      const size_t eq = command.find('=');
      if (eq != std::string_view::npos) {
        data_[std::string(command.substr(0, eq))] = std::string(command.substr(eq + 1));
      }
      ++writes_applied_;
    }
    return "index:" + std::to_string(index);
  }

  uint64_t LastApplied() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return last_applied_;
  }

  std::unique_ptr<SnapshotWriter> CaptureSnapshot() override {
    std::lock_guard<std::mutex> lock(mu_);
    return std::make_unique<Writer>(last_applied_, data_);
  }

  Status Restore(SnapshotSource& source) override {
    std::string all, chunk;
    for (;;) {
      Result<bool> more = source.Read(&chunk);
      if (!more.ok()) return more.status();
      if (!*more) break;
      all += chunk;
    }
    std::istringstream in(all);
    std::string line;
    uint64_t index = 0;
    if (!std::getline(in, line)) return Status::Corruption("empty kv snapshot");
    index = std::stoull(line);
    std::map<std::string, std::string> data;
    while (std::getline(in, line)) {
      const size_t eq = line.find('=');
      if (eq == std::string::npos) return Status::Corruption("bad kv snapshot line");
      data[line.substr(0, eq)] = line.substr(eq + 1);
    }
    std::lock_guard<std::mutex> lock(mu_);
    data_ = std::move(data);
    last_applied_ = index;
    return Status::Ok();
  }

  std::optional<std::string> Get(const std::string& key) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = data_.find(key);
    if (it == data_.end()) return std::nullopt;
    return it->second;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return data_.size();
  }

 private:
  class Writer : public SnapshotWriter {
   public:
    Writer(uint64_t index, std::map<std::string, std::string> data)
        : index_(index), data_(std::move(data)) {}
    uint64_t index() const override { return index_; }
    Status WriteTo(SnapshotSink& sink) override {
      std::string out = std::to_string(index_) + "\n";
      for (const auto& [k, v] : data_) out += k + "=" + v + "\n";
      return sink.Write(out);
    }

   private:
    uint64_t index_;
    std::map<std::string, std::string> data_;
  };

  mutable std::mutex mu_;
  std::map<std::string, std::string> data_;
  uint64_t last_applied_ = 0;
  uint64_t writes_applied_ = 0;
};

}  // namespace coord::raft::testing
