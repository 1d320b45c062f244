// SnapshotFiles: the files holding snapshot data in a data directory.
//
// Snapshot data can be hundreds of MB, so it lives in a file of its own next to the leveldb
// files rather than in a leveldb value: leveldb would copy it at every compaction of its level
// and hold it in memtables. A file is written whole, durably, before any record refers to it
// (temp file, fsync, rename, directory fsync), so a reader never sees a partial file under a
// referenced name. Names are unique per snapshot ("snap-<index>-<term>-<sequence>.snap", hex)
// so a new snapshot never overwrites the file the durable records still point at.
//
// All file access goes through the DirSyncingEnv the storage gives leveldb, so the tests'
// fault-injection Env sees it and its fsyncs are counted; that Env also makes the rename
// durable (it syncs the directory after every rename).
//
// Thread-safety: none needed; the object holds no mutable state.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <leveldb/env.h>

#include "raft/status.h"
#include "raft/storage/dir_syncing_env.h"
#include "raft/storage/snapshot_file_sink.h"
#include "raft/storage/records.pb.h"

namespace coord::raft {

class SnapshotFiles {
 public:
  // `env` must outlive this object; `dir` is the data directory.
  SnapshotFiles(DirSyncingEnv* env, std::string dir);

  static std::string FileName(uint64_t index, uint64_t term, uint64_t sequence);
  // Whether `file_name` is one of ours: a snapshot file or a leftover temp file.
  static bool IsSnapshotFile(const std::string& file_name);

  // A sink that streams the file of snapshot (index, term, sequence); its Finish() makes it
  // durable and returns the record that refers to it. Until then no file under the final name
  // exists.
  Result<std::unique_ptr<SnapshotFileSink>> NewSink(uint64_t index, uint64_t term,
                                                    uint64_t sequence) const;

  // The whole data, after checking size and checksum against `file` (Corruption if not).
  Result<std::string> ReadAll(const storagepb::SnapshotFileRecord& file) const;
  // Up to max_bytes from `offset` (empty at or past the end). Not checksummed: the checksum is
  // of the whole file, which Verify() checks at every open.
  Result<std::string> ReadChunk(const storagepb::SnapshotFileRecord& file, uint64_t offset,
                                uint64_t max_bytes) const;
  // Corruption, naming the file, if it is missing or has another size or checksum than
  // `file` records. Reads the file in bounded chunks.
  Status Verify(const storagepb::SnapshotFileRecord& file) const;

  // Removes our files in the directory other than `keep` (a file name; may be empty): snapshot
  // files no record refers to any more and temp files of writes a crash interrupted.
  Status RemoveAllExcept(const std::string& keep) const;
  Status Remove(const std::string& file_name) const;

 private:
  std::string PathOf(const std::string& file_name) const { return dir_ + "/" + file_name; }
  // Verify(), also returning the bytes read when `data` is not null.
  Status ReadChecked(const storagepb::SnapshotFileRecord& file, std::string* data) const;

  DirSyncingEnv* const env_;
  const std::string dir_;
};

}  // namespace coord::raft
