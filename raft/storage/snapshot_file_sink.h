// SnapshotFileSink: a snapshot's bytes streamed straight into its file as a SnapshotWriter
// produces them, so recording a snapshot never holds the whole image in memory (a 1M-node
// tree serializes to ~150 MB; as one string that was the largest item in a member's RSS
// while a snapshot was being written).
//
// The file is written under a temp name, synced every kSyncEvery bytes (one sync of the whole
// file at the end would flush it all at once, and the Raft log's syncs would queue behind that
// flush), and published by Finish() (last sync, close, rename; the DirSyncingEnv syncs the
// directory). A sink destroyed without a successful Finish() removes its temp file.
//
// Thread-safety: none; one thread writes and finishes it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <leveldb/env.h>

#include "raft/state_machine.h"
#include "raft/status.h"
#include "raft/storage/records.pb.h"

namespace coord::raft {

class SnapshotFileSink : public SnapshotSink {
 public:
  static constexpr uint64_t kSyncEvery = 1 << 20;

  // Creates `temp_path`. `env` must outlive the sink; `record` names the final file (its
  // index, term, sequence and file_name are set; size and crc32c are filled in by Finish).
  static Result<std::unique_ptr<SnapshotFileSink>> Create(leveldb::Env* env, std::string temp_path,
                                                          std::string final_path,
                                                          storagepb::SnapshotFileRecord record);
  ~SnapshotFileSink() override;

  // Any size: a large chunk is appended in pieces, synced at every kSyncEvery bytes.
  Status Write(std::string_view chunk) override;
  // Makes the file durable under its final name and returns its record. Once only.
  Result<storagepb::SnapshotFileRecord> Finish();

 private:
  SnapshotFileSink(leveldb::Env* env, std::string temp_path, std::string final_path,
                   storagepb::SnapshotFileRecord record, std::unique_ptr<leveldb::WritableFile> file);

  leveldb::Env* const env_;
  const std::string temp_path_;
  const std::string final_path_;
  storagepb::SnapshotFileRecord record_;
  std::unique_ptr<leveldb::WritableFile> file_;  // null once closed
  Status failed_ = Status::Ok();                 // the first error; later calls return it
  uint64_t size_ = 0;
  uint64_t unsynced_ = 0;
  uint32_t crc_ = 0;
  bool published_ = false;
};

}  // namespace coord::raft
