#include "raft/storage/recovery.h"

#include <map>
#include <memory>

#include "raft/storage/keys.h"
#include "raft/storage/leveldb_status.h"
#include "raft/storage/record_codec.h"

namespace coord::raft {
namespace {

using keys::Kind;

std::string Str(uint64_t v) { return std::to_string(v); }

// The singleton records, as raw values; they all sort before the first entry key.
using Singletons = std::map<Kind, std::string>;

Status DecodeSingleton(const Singletons& singletons, Kind kind,
                       google::protobuf::MessageLite* message) {
  const std::string key = keys::Singleton(kind);
  const auto it = singletons.find(kind);
  if (it == singletons.end()) return Status::Corruption(keys::Describe(key) + " is missing");
  return DecodeRecord(key, it->second, message);
}

Status CheckIdentity(const storagepb::MetaRecord& meta, const std::string& cluster_id,
                     uint64_t node_id) {
  if (meta.format_version() != keys::kFormatVersion) {
    return Status::Corruption("unknown format version " + Str(meta.format_version()) +
                              " (this build reads version " + Str(keys::kFormatVersion) + ")");
  }
  if (meta.cluster_id() != cluster_id) {
    return Status::Corruption("it belongs to cluster '" + meta.cluster_id() + "', not '" +
                              cluster_id + "'");
  }
  if (meta.node_id() != node_id) {
    return Status::Corruption("it belongs to node " + Str(meta.node_id()) + ", not node " +
                              Str(node_id));
  }
  return Status::Ok();
}

// Reads the entries from `it` (positioned at the first entry key) into `log`, which starts
// empty at the compaction point, checking that they fill exactly (compacted, last_index].
Status LoadEntries(leveldb::Iterator* it, uint64_t last_index, LogMirror* log) {
  for (; it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const std::optional<uint64_t> index = keys::EntryIndex(key);
    if (!index) return Status::Corruption(keys::Describe(key) + " among the log entries");
    if (*index <= log->compacted_index()) {
      return Status::Corruption("log entry " + Str(*index) + " is at or below the compaction point " +
                                Str(log->compacted_index()));
    }
    if (*index > last_index) {
      return Status::Corruption("log entry " + Str(*index) + " is beyond the last index " +
                                Str(last_index) + " that the log bounds record says");
    }
    if (*index != log->LastIndex() + 1) {
      return Status::Corruption("gap in the log: entries " + Str(log->LastIndex() + 1) + ".." +
                                Str(*index - 1) + " are missing");
    }
    pb::Entry entry;
    Status s = DecodeRecord(key, std::string_view(it->value().data(), it->value().size()), &entry);
    if (!s.ok()) return s;
    if (entry.index() != *index) {
      return Status::Corruption("log entry " + Str(*index) + " holds an entry with index " +
                                Str(entry.index()));
    }
    const uint64_t prev_term = log->Term(*index - 1).value();
    if (entry.term() < prev_term) {
      return Status::Corruption("log entry " + Str(*index) + " has term " + Str(entry.term()) +
                                ", lower than the term " + Str(prev_term) + " before it");
    }
    log->Append(std::move(entry));
  }
  if (!it->status().ok()) return FromLeveldb(it->status(), "reading the log");
  if (log->LastIndex() != last_index) {
    return Status::Corruption("the log ends at index " + Str(log->LastIndex()) +
                              " but the log bounds record says " + Str(last_index) +
                              ": entries " + Str(log->LastIndex() + 1) + ".." + Str(last_index) +
                              " are missing");
  }
  return Status::Ok();
}

// The checks between records, once each record is known to be intact.
Status CheckConsistency(const DurableState& st) {
  const uint64_t snap_index = st.snapshot.index();
  const uint64_t compacted = st.log.compacted_index();
  const uint64_t last = st.log.LastIndex();
  if (snap_index < compacted) {
    return Status::Corruption("the log starts at index " + Str(compacted + 1) +
                              " but the snapshot ends at index " + Str(snap_index) + ": entries " +
                              Str(snap_index + 1) + ".." + Str(compacted) + " are in neither");
  }
  if (snap_index > last) {
    return Status::Corruption("snapshot index " + Str(snap_index) +
                              " is newer than the last log index " + Str(last) +
                              " that the log bounds record says");
  }
  const uint64_t log_term = st.log.Term(snap_index).value();
  if (log_term != st.snapshot.term()) {
    return Status::Corruption("snapshot term " + Str(st.snapshot.term()) +
                              " disagrees with the log's term " + Str(log_term) + " at index " +
                              Str(snap_index));
  }
  if (st.hard_state.commit() > last) {
    return Status::Corruption("hard state commit index " + Str(st.hard_state.commit()) +
                              " is beyond the last log index " + Str(last));
  }
  if (st.membership.SerializeAsString() != st.snapshot.conf_state().SerializeAsString()) {
    return Status::Corruption("membership record disagrees with the snapshot metadata's membership");
  }
  if (snap_index == 0) {
    if (st.snapshot_file) {
      return Status::Corruption("snapshot file record " + st.snapshot_file->file_name() +
                                " exists but there is no snapshot");
    }
    return Status::Ok();
  }
  if (!st.snapshot_file) {
    return Status::Corruption("snapshot file record is missing for the snapshot at index " +
                              Str(snap_index));
  }
  if (st.snapshot_file->index() != snap_index || st.snapshot_file->term() != st.snapshot.term()) {
    return Status::Corruption("snapshot file record is for index " +
                              Str(st.snapshot_file->index()) + " term " +
                              Str(st.snapshot_file->term()) + ", the snapshot metadata for index " +
                              Str(snap_index) + " term " + Str(st.snapshot.term()));
  }
  return Status::Ok();
}

}  // namespace

Result<DurableState> LoadDurableState(leveldb::DB* db, const SnapshotFiles& files,
                                      const std::string& cluster_id, uint64_t node_id) {
  leveldb::ReadOptions read_options;
  read_options.verify_checksums = true;
  read_options.fill_cache = false;  // read once; do not evict what the cache may hold
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(read_options));

  Singletons singletons;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const std::optional<Kind> kind = keys::KindOf(key);
    if (!kind) return Status::Corruption(keys::Describe(key) + " in the database");
    if (*kind == Kind::kEntry) break;
    singletons[*kind] = it->value().ToString();
  }
  if (!it->status().ok()) return FromLeveldb(it->status(), "reading the database");

  DurableState st;
  // Identity first: a directory of another node should say so, whatever else is wrong.
  Status s = DecodeSingleton(singletons, Kind::kMeta, &st.meta);
  if (s.ok()) s = CheckIdentity(st.meta, cluster_id, node_id);
  if (s.ok()) s = DecodeSingleton(singletons, Kind::kHardState, &st.hard_state);
  if (s.ok()) s = DecodeSingleton(singletons, Kind::kMembership, &st.membership);
  if (s.ok()) s = DecodeSingleton(singletons, Kind::kSnapshotMeta, &st.snapshot);
  storagepb::LogBoundsRecord bounds;
  if (s.ok()) s = DecodeSingleton(singletons, Kind::kLogBounds, &bounds);
  if (s.ok() && singletons.contains(Kind::kSnapshotFile)) {
    st.snapshot_file.emplace();
    s = DecodeSingleton(singletons, Kind::kSnapshotFile, &*st.snapshot_file);
  }
  if (!s.ok()) return s;
  if (bounds.last_index() < bounds.compacted_index()) {
    return Status::Corruption("log bounds record's last index " + Str(bounds.last_index()) +
                              " is below its compaction point " + Str(bounds.compacted_index()));
  }

  st.log = LogMirror(bounds.compacted_index(), bounds.compacted_term());
  s = LoadEntries(it.get(), bounds.last_index(), &st.log);
  if (s.ok()) s = CheckConsistency(st);
  // The snapshot file last: it is the one check that may read hundreds of MB.
  if (s.ok() && st.snapshot_file) s = files.Verify(*st.snapshot_file);
  if (!s.ok()) return s;
  return st;
}

}  // namespace coord::raft
