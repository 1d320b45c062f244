// Workloads shared by the snapshot tests and the benchmark: a random state with every kind
// of node, sessions and cached responses, and the in-memory snapshot sink and source.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "coord/store.h"
#include "raft/state_machine.h"

namespace coord::store::testing {

// Grows `store` by about `nodes` nodes under a random tree shape (fan-out varies from 1 to
// hundreds), with every create mode, some sets and deletes, a few sessions owning ephemerals
// and cached responses. Deterministic for a given seed.
void BuildRandomState(Store& store, size_t nodes, uint32_t seed);

// Collects a snapshot's chunks.
class StringSink : public raft::SnapshotSink {
 public:
  raft::Status Write(std::string_view chunk) override {
    chunks.emplace_back(chunk);
    bytes += chunk.size();
    return raft::Status::Ok();
  }
  std::string Joined() const {
    std::string out;
    out.reserve(bytes);
    for (const std::string& c : chunks) out += c;
    return out;
  }
  std::vector<std::string> chunks;
  size_t bytes = 0;
};

// Plays bytes back in chunks of `chunk` bytes (the last may be shorter).
class StringSource : public raft::SnapshotSource {
 public:
  StringSource(std::string data, size_t chunk) : data_(std::move(data)), chunk_(chunk) {}
  raft::Result<bool> Read(std::string* out) override {
    out->clear();
    if (pos_ >= data_.size()) return false;
    *out = data_.substr(pos_, chunk_);
    pos_ += out->size();
    return true;
  }

 private:
  std::string data_;
  size_t chunk_;
  size_t pos_ = 0;
};

}  // namespace coord::store::testing
