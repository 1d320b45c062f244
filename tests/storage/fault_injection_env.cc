#include "tests/storage/fault_injection_env.h"

#include <cstdio>
#include <filesystem>
#include <iterator>
#include <memory>
#include <system_error>
#include <utility>

namespace coord::raft {
namespace {

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A file written through FaultInjectionEnv: reports appends and syncs, and fails once the
// machine is down.
class FaultInjectionFile : public leveldb::WritableFile {
 public:
  FaultInjectionFile(FaultInjectionEnv* env, std::string fname, leveldb::WritableFile* target)
      : env_(env), fname_(std::move(fname)), target_(target) {}

  leveldb::Status Append(const leveldb::Slice& data) override {
    leveldb::Status s = env_->BeforeMutation("append to " + fname_);
    if (s.ok()) s = target_->Append(data);
    if (s.ok()) env_->RecordAppend(fname_, data.size());
    return s;
  }
  // Moving bytes from our buffer to the OS changes nothing about durability: not a mutation.
  leveldb::Status Flush() override { return target_->Flush(); }
  leveldb::Status Close() override { return target_->Close(); }
  leveldb::Status Sync() override {
    leveldb::Status s = env_->BeforeMutation("sync " + fname_);
    if (s.ok()) s = target_->Flush();
    if (s.ok()) env_->RecordSync(fname_);
    return s;
  }

 private:
  FaultInjectionEnv* const env_;
  const std::string fname_;
  const std::unique_ptr<leveldb::WritableFile> target_;
};

leveldb::Status WriteWholeFile(const std::string& path, const std::string& content) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return leveldb::Status::IOError(path, "cannot restore");
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  return (std::fclose(f) == 0 && ok) ? leveldb::Status::OK()
                                     : leveldb::Status::IOError(path, "cannot restore");
}

}  // namespace

FaultInjectionEnv::FaultInjectionEnv(leveldb::Env* target) : leveldb::EnvWrapper(target) {}

void FaultInjectionEnv::CrashAfter(uint64_t ops) {
  std::lock_guard<std::mutex> l(mu_);
  crash_at_ = ops_ + ops;
}

void FaultInjectionEnv::ClearCrash() {
  std::lock_guard<std::mutex> l(mu_);
  crash_at_.reset();
}

bool FaultInjectionEnv::crashed() const {
  std::lock_guard<std::mutex> l(mu_);
  return crash_at_ && ops_ > *crash_at_;
}

uint64_t FaultInjectionEnv::mutating_ops() const {
  std::lock_guard<std::mutex> l(mu_);
  return ops_;
}

leveldb::Status FaultInjectionEnv::BeforeMutation(const std::string& what) {
  std::lock_guard<std::mutex> l(mu_);
  const uint64_t op = ops_++;
  if (crash_at_ && op >= *crash_at_) {
    return leveldb::Status::IOError(what, "simulated crash: the machine is down");
  }
  return leveldb::Status::OK();
}

void FaultInjectionEnv::RecordAppend(const std::string& fname, uint64_t bytes) {
  std::lock_guard<std::mutex> l(mu_);
  files_[fname].size += bytes;
}

void FaultInjectionEnv::RecordSync(const std::string& fname) {
  std::lock_guard<std::mutex> l(mu_);
  FileState& f = files_[fname];
  f.synced = f.size;
  // leveldb's POSIX Env syncs the directory whenever it syncs a MANIFEST; model that.
  if (BaseName(fname).starts_with("MANIFEST")) SyncDirLocked(DirName(fname));
}

leveldb::Status FaultInjectionEnv::NewWritableFile(const std::string& fname,
                                                   leveldb::WritableFile** result) {
  *result = nullptr;
  leveldb::Status s = BeforeMutation("create " + fname);
  if (!s.ok()) return s;
  const bool existed = target()->FileExists(fname);
  leveldb::WritableFile* file = nullptr;
  s = target()->NewWritableFile(fname, &file);
  if (!s.ok()) return s;
  {
    std::lock_guard<std::mutex> l(mu_);
    files_[fname] = FileState{};  // truncated: nothing of it is durable any more
    if (!existed) unsynced_entries_.insert(fname);
  }
  *result = new FaultInjectionFile(this, fname, file);
  return s;
}

leveldb::Status FaultInjectionEnv::NewAppendableFile(const std::string& fname,
                                                     leveldb::WritableFile** result) {
  *result = nullptr;
  leveldb::Status s = BeforeMutation("open for append " + fname);
  if (!s.ok()) return s;
  const bool existed = target()->FileExists(fname);
  uint64_t size = 0;
  if (existed) target()->GetFileSize(fname, &size);
  leveldb::WritableFile* file = nullptr;
  s = target()->NewAppendableFile(fname, &file);
  if (!s.ok()) return s;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!files_.contains(fname)) files_[fname] = FileState{size, size};
    if (!existed) unsynced_entries_.insert(fname);
  }
  *result = new FaultInjectionFile(this, fname, file);
  return s;
}

leveldb::Status FaultInjectionEnv::RemoveFile(const std::string& fname) {
  leveldb::Status s = BeforeMutation("remove " + fname);
  if (!s.ok()) return s;
  s = target()->RemoveFile(fname);
  if (s.ok()) {
    std::lock_guard<std::mutex> l(mu_);
    files_.erase(fname);
    unsynced_entries_.erase(fname);
    restore_on_crash_.erase(fname);
  }
  return s;
}

leveldb::Status FaultInjectionEnv::RenameFile(const std::string& src, const std::string& dst) {
  leveldb::Status s = BeforeMutation("rename " + src);
  if (!s.ok()) return s;
  // Until the directory is synced, a crash undoes the rename: a durable `dst` comes back with
  // its old content, a durable `src` with the content it had durably.
  std::map<std::string, std::string> restore;
  for (const std::string& path : {src, dst}) {
    if (!target()->FileExists(path) || !IsEntryDurable(path)) continue;
    std::string content;
    s = leveldb::ReadFileToString(target(), path, &content);
    if (!s.ok()) return s;
    content.resize(DurableSize(path, content.size()));
    restore[path] = std::move(content);
  }
  s = target()->RenameFile(src, dst);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> l(mu_);
  auto it = files_.find(src);
  if (it != files_.end()) {
    files_[dst] = it->second;
    files_.erase(it);
  } else {
    files_.erase(dst);  // now untracked: all of its content counts as written and synced
  }
  unsynced_entries_.erase(src);
  unsynced_entries_.insert(dst);
  for (auto& [path, content] : restore) restore_on_crash_.try_emplace(path, std::move(content));
  return s;
}

bool FaultInjectionEnv::IsEntryDurable(const std::string& path) const {
  std::lock_guard<std::mutex> l(mu_);
  return !unsynced_entries_.contains(path) && !restore_on_crash_.contains(path);
}

uint64_t FaultInjectionEnv::DurableSize(const std::string& path, uint64_t real_size) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = files_.find(path);
  return it == files_.end() ? real_size : it->second.synced;
}

leveldb::Status FaultInjectionEnv::CreateDir(const std::string& dirname) {
  leveldb::Status s = BeforeMutation("create directory " + dirname);
  if (!s.ok()) return s;
  return target()->CreateDir(dirname);
}

leveldb::Status FaultInjectionEnv::SyncDir(const std::string& dir) {
  leveldb::Status s = BeforeMutation("sync directory " + dir);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> l(mu_);
  SyncDirLocked(dir);
  return s;
}

void FaultInjectionEnv::SyncDirLocked(const std::string& dir) {
  for (auto it = unsynced_entries_.begin(); it != unsynced_entries_.end();) {
    it = DirName(*it) == dir ? unsynced_entries_.erase(it) : std::next(it);
  }
  for (auto it = restore_on_crash_.begin(); it != restore_on_crash_.end();) {
    it = DirName(it->first) == dir ? restore_on_crash_.erase(it) : std::next(it);
  }
}

leveldb::Status FaultInjectionEnv::DropUnsyncedData(std::mt19937_64* rng) {
  std::lock_guard<std::mutex> l(mu_);
  leveldb::Status result;
  auto note = [&](const leveldb::Status& s) {
    if (!s.ok() && result.ok()) result = s;
  };
  // Entries that never became durable go; then what undone renames had replaced comes back.
  for (const std::string& fname : unsynced_entries_) {
    if (!restore_on_crash_.contains(fname)) note(target()->RemoveFile(fname));
    files_.erase(fname);
  }
  for (const auto& [fname, content] : restore_on_crash_) {
    note(WriteWholeFile(fname, content));
    files_.erase(fname);  // restored to exactly its durable content
  }
  for (const auto& [fname, state] : files_) {
    uint64_t keep = state.synced;
    if (rng != nullptr && state.size > state.synced) {
      keep += std::uniform_int_distribution<uint64_t>(0, state.size - state.synced)(*rng);
    }
    std::error_code ec;
    std::filesystem::resize_file(fname, keep, ec);
    if (ec) note(leveldb::Status::IOError(fname, ec.message()));
  }
  files_.clear();
  unsynced_entries_.clear();
  restore_on_crash_.clear();
  crash_at_.reset();
  return result;
}

}  // namespace coord::raft
