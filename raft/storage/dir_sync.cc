#include "raft/storage/dir_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace coord::raft {
namespace {

leveldb::Status PosixSyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return leveldb::Status::IOError(dir, std::strerror(errno));
  leveldb::Status s;
  if (::fsync(fd) != 0) s = leveldb::Status::IOError(dir, std::strerror(errno));
  ::close(fd);
  return s;
}

}  // namespace

leveldb::Status SyncDir(leveldb::Env* env, const std::string& dir) {
  if (auto* syncer = dynamic_cast<DirSyncer*>(env)) return syncer->SyncDir(dir);
  return PosixSyncDir(dir);
}

std::string DirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace coord::raft
