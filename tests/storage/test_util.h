// Helpers shared by the storage tests: temporary directories and entry builders.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "raft/raft.pb.h"
#include "raft/storage/leveldb_storage.h"

namespace coord::raft {

// A fresh directory under the test temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "coord-storage-XXXXXX";
    const char* made = ::mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr) << "mkdtemp " << pattern;
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // A path inside the directory that does not exist yet.
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The snapshot files (and temp files) in `dir`, by name.
inline std::vector<std::string> SnapshotFilesIn(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("snap-")) out.push_back(name);
  }
  return out;
}

// `n` pseudo-random bytes, the same for the same seed.
inline std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// Options for node 1 of cluster "test-cluster" in `dir`, creating it if needed.
inline LeveldbStorageOptions TestOptions(const std::string& dir, leveldb::Env* env = nullptr,
                                         const pb::ConfState& initial = {}) {
  LeveldbStorageOptions options;
  options.dir = dir;
  options.cluster_id = "test-cluster";
  options.node_id = 1;
  options.initial_conf_state = initial;
  options.create_if_missing = true;
  options.env = env;
  return options;
}

// Opens `options`, failing the test (and returning null) if that fails.
inline std::unique_ptr<LeveldbStorage> MustOpen(const LeveldbStorageOptions& options) {
  Result<std::unique_ptr<LeveldbStorage>> opened = LeveldbStorage::Open(options);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  if (!opened.ok()) return nullptr;
  return std::move(opened).value();
}

inline pb::Entry MakeEntry(uint64_t index, uint64_t term, size_t data_bytes = 16) {
  pb::Entry e;
  e.set_index(index);
  e.set_term(term);
  std::string data(data_bytes, '\0');
  for (size_t i = 0; i < data_bytes; ++i) data[i] = static_cast<char>('a' + (index + i) % 26);
  e.set_data(std::move(data));
  return e;
}

// Entries [first, first + count) of one term.
inline std::vector<pb::Entry> MakeEntries(uint64_t first, uint64_t count, uint64_t term,
                                          size_t data_bytes = 16) {
  std::vector<pb::Entry> out;
  for (uint64_t i = first; i < first + count; ++i) out.push_back(MakeEntry(i, term, data_bytes));
  return out;
}

inline pb::HardState MakeHardState(uint64_t term, uint64_t vote, uint64_t commit) {
  pb::HardState hs;
  hs.set_term(term);
  hs.set_vote(vote);
  hs.set_commit(commit);
  return hs;
}

inline pb::ConfState MakeConf(std::initializer_list<uint64_t> voters,
                              std::initializer_list<uint64_t> learners = {}) {
  pb::ConfState cs;
  for (uint64_t v : voters) cs.add_voters(v);
  for (uint64_t l : learners) cs.add_learners(l);
  return cs;
}

inline pb::Snapshot MakeSnapshot(uint64_t index, uint64_t term, const pb::ConfState& conf,
                                 std::string data) {
  pb::Snapshot snap;
  snap.mutable_metadata()->set_index(index);
  snap.mutable_metadata()->set_term(term);
  *snap.mutable_metadata()->mutable_conf_state() = conf;
  snap.set_data(std::move(data));
  return snap;
}

}  // namespace coord::raft
