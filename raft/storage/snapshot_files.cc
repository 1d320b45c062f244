#include "raft/storage/snapshot_files.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <vector>

#include "raft/storage/crc32c.h"
#include "raft/storage/leveldb_status.h"

namespace coord::raft {
namespace {

// Bounds the memory used to write, read and verify files of any size.
constexpr size_t kChunkSize = 1 << 20;

constexpr std::string_view kPrefix = "snap-";
constexpr std::string_view kSuffix = ".snap";
constexpr std::string_view kTempSuffix = ".snap.tmp";

// Reads a whole file sequentially, handing each chunk to `consume`.
template <typename Consume>
Status ReadFile(leveldb::Env* env, const std::string& path, Consume consume) {
  leveldb::SequentialFile* raw = nullptr;
  leveldb::Status s = env->NewSequentialFile(path, &raw);
  if (!s.ok()) return FromLeveldb(s, "opening snapshot data file");
  std::unique_ptr<leveldb::SequentialFile> file(raw);
  std::vector<char> scratch(kChunkSize);
  while (true) {
    leveldb::Slice chunk;
    s = file->Read(kChunkSize, &chunk, scratch.data());
    if (!s.ok()) return FromLeveldb(s, "reading snapshot data file");
    if (chunk.empty()) return Status::Ok();
    consume(std::string_view(chunk.data(), chunk.size()));
  }
}

}  // namespace

SnapshotFiles::SnapshotFiles(DirSyncingEnv* env, std::string dir) : env_(env), dir_(std::move(dir)) {}

std::string SnapshotFiles::FileName(uint64_t index, uint64_t term, uint64_t sequence) {
  char name[80];
  std::snprintf(name, sizeof(name), "snap-%016" PRIx64 "-%016" PRIx64 "-%016" PRIx64 ".snap",
                index, term, sequence);
  return name;
}

bool SnapshotFiles::IsSnapshotFile(const std::string& file_name) {
  return file_name.starts_with(kPrefix) &&
         (file_name.ends_with(kSuffix) || file_name.ends_with(kTempSuffix));
}

Result<std::unique_ptr<SnapshotFileSink>> SnapshotFiles::NewSink(uint64_t index, uint64_t term,
                                                                uint64_t sequence) const {
  storagepb::SnapshotFileRecord record;
  record.set_index(index);
  record.set_term(term);
  record.set_sequence(sequence);
  record.set_file_name(FileName(index, term, sequence));
  const std::string final_path = PathOf(record.file_name());
  return SnapshotFileSink::Create(env_, final_path + ".tmp",
                                  final_path, std::move(record));
}

Result<std::string> SnapshotFiles::ReadAll(const storagepb::SnapshotFileRecord& file) const {
  std::string data;
  Status s = ReadChecked(file, &data);
  if (!s.ok()) return s;
  return data;
}

Result<std::string> SnapshotFiles::ReadChunk(const storagepb::SnapshotFileRecord& file,
                                             uint64_t offset, uint64_t max_bytes) const {
  if (offset >= file.size()) return std::string();
  const size_t n = static_cast<size_t>(std::min<uint64_t>(max_bytes, file.size() - offset));
  leveldb::RandomAccessFile* raw = nullptr;
  leveldb::Status s = env_->NewRandomAccessFile(PathOf(file.file_name()), &raw);
  if (!s.ok()) return FromLeveldb(s, "opening snapshot data file");
  std::unique_ptr<leveldb::RandomAccessFile> reader(raw);
  std::string out(n, '\0');
  leveldb::Slice got;
  s = reader->Read(offset, n, &got, out.data());
  if (!s.ok()) return FromLeveldb(s, "reading snapshot data file");
  if (got.size() != n) {
    return Status::Corruption("snapshot data file " + file.file_name() + " is shorter than " +
                              std::to_string(file.size()) + " bytes");
  }
  // Read() may return a view of other memory (mmap) rather than fill our buffer.
  if (got.data() != out.data()) out.assign(got.data(), got.size());
  return out;
}

Status SnapshotFiles::Verify(const storagepb::SnapshotFileRecord& file) const {
  return ReadChecked(file, nullptr);
}

Status SnapshotFiles::ReadChecked(const storagepb::SnapshotFileRecord& file,
                                  std::string* data) const {
  const std::string path = PathOf(file.file_name());
  if (!env_->FileExists(path)) {
    return Status::Corruption("snapshot data file " + file.file_name() + " is missing");
  }
  uint64_t size = 0;
  leveldb::Status ls = env_->GetFileSize(path, &size);
  if (!ls.ok()) return FromLeveldb(ls, "sizing snapshot data file");
  if (size != file.size()) {
    return Status::Corruption("snapshot data file " + file.file_name() + " has " +
                              std::to_string(size) + " bytes, its record says " +
                              std::to_string(file.size()));
  }
  if (data != nullptr) data->reserve(size);
  uint32_t crc = 0;
  uint64_t read = 0;
  Status s = ReadFile(env_, path, [&](std::string_view chunk) {
    crc = crc32c::Extend(crc, chunk);
    read += chunk.size();
    if (data != nullptr) data->append(chunk);
  });
  if (!s.ok()) return s;
  // Compare what was actually read, not what GetFileSize said a moment earlier.
  if (read != file.size() || crc != file.crc32c()) {
    return Status::Corruption("checksum mismatch in snapshot data file " + file.file_name());
  }
  return Status::Ok();
}

Status SnapshotFiles::RemoveAllExcept(const std::string& keep) const {
  std::vector<std::string> children;
  leveldb::Status s = env_->GetChildren(dir_, &children);
  if (!s.ok()) return FromLeveldb(s, "listing " + dir_);
  for (const std::string& name : children) {
    if (name == keep || !IsSnapshotFile(name)) continue;
    Status removed = Remove(name);
    if (!removed.ok()) return removed;
  }
  return Status::Ok();
}

Status SnapshotFiles::Remove(const std::string& file_name) const {
  return FromLeveldb(env_->RemoveFile(PathOf(file_name)), "removing " + file_name);
}

}  // namespace coord::raft
