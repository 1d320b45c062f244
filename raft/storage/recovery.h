// Recovery: reading a data directory back and refusing it unless it is consistent.
//
// LoadDurableState reads every record once, checks each one's checksum, then checks the
// records against each other and the snapshot file against its record. It never repairs:
// a directory that fails any check is reported as a Corruption that names the problem, and
// nothing is written, so an operator can inspect it as it was. The checks (docs/storage.md
// lists them with their messages):
//   - every value's checksum, and every key is one this format knows;
//   - the meta record exists, has our format version, cluster id and node id;
//   - hard state, membership, snapshot metadata and log bounds records exist;
//   - entries run without a gap from the compaction point + 1 to the log bounds' last index,
//     none lies outside, each stores the index of its key, terms never decrease;
//   - the snapshot covers the compaction point and is not beyond the last index, and its term
//     agrees with the log's at its index;
//   - the hard state's commit index is not beyond the last index;
//   - membership equals the snapshot metadata's ConfState;
//   - a snapshot past index 0 has a file record that matches it, and the file exists with the
//     recorded size and checksum.
//
// Thread-safety: none; called once, by Open, before the storage is shared.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <leveldb/db.h>

#include "raft/raft.pb.h"
#include "raft/status.h"
#include "raft/storage/log_mirror.h"
#include "raft/storage/records.pb.h"
#include "raft/storage/snapshot_files.h"

namespace coord::raft {

// Everything a data directory holds except the snapshot bytes, which stay in their file.
struct DurableState {
  storagepb::MetaRecord meta;
  pb::HardState hard_state;
  pb::ConfState membership;
  pb::SnapshotMetadata snapshot;
  // Absent while the snapshot is the initial one (index 0), which has no data.
  std::optional<storagepb::SnapshotFileRecord> snapshot_file;
  LogMirror log;
};

// REQUIRES: `db` holds at least one key (an empty database is a fresh directory, which the
// caller initializes instead). Corruption as described above; IOError if reading fails.
Result<DurableState> LoadDurableState(leveldb::DB* db, const SnapshotFiles& files,
                                      const std::string& cluster_id, uint64_t node_id);

}  // namespace coord::raft
