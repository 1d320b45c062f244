#include "raft/storage/leveldb_storage.h"

#include <utility>

#include <leveldb/options.h>
#include <leveldb/write_batch.h>

#include "raft/bootstrap.h"
#include "raft/storage/keys.h"
#include "raft/storage/leveldb_status.h"
#include "raft/storage/record_codec.h"
#include "raft/storage/recovery.h"

namespace coord::raft {
namespace {

using keys::Kind;

std::string Str(uint64_t v) { return std::to_string(v); }

void PutRecord(leveldb::WriteBatch* batch, const std::string& key,
               const google::protobuf::MessageLite& message) {
  batch->Put(key, EncodeRecord(key, message));
}

void PutSingleton(leveldb::WriteBatch* batch, Kind kind, const google::protobuf::MessageLite& message) {
  PutRecord(batch, keys::Singleton(kind), message);
}

void PutLogBounds(leveldb::WriteBatch* batch, uint64_t compacted_index, uint64_t compacted_term,
                  uint64_t last_index) {
  storagepb::LogBoundsRecord bounds;
  bounds.set_compacted_index(compacted_index);
  bounds.set_compacted_term(compacted_term);
  bounds.set_last_index(last_index);
  PutSingleton(batch, Kind::kLogBounds, bounds);
}

// Deletes the entry keys in [from, to]: point deletes, since leveldb has no range delete. The
// mirror knows exactly which keys exist, so no key is deleted that is not there.
void DeleteEntries(leveldb::WriteBatch* batch, uint64_t from, uint64_t to) {
  for (uint64_t i = from; i <= to; ++i) batch->Delete(keys::Entry(i));
}

bool IsEmpty(leveldb::DB* db) {
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(leveldb::ReadOptions()));
  it->SeekToFirst();
  return !it->Valid() && it->status().ok();
}

// The records of a fresh directory: identity, then the same log MemoryStorage starts with --
// the bootstrap entries and hard state for a non-empty initial membership, else nothing --
// and an empty initial snapshot at index 0 (membership lives in the log).
void PutInitialRecords(const LeveldbStorageOptions& options, leveldb::WriteBatch* batch) {
  storagepb::MetaRecord meta;
  meta.set_format_version(keys::kFormatVersion);
  meta.set_cluster_id(options.cluster_id);
  meta.set_node_id(options.node_id);
  PutSingleton(batch, Kind::kMeta, meta);
  const std::vector<pb::Entry> entries = BootstrapEntries(options.initial_conf_state);
  for (const pb::Entry& e : entries) PutRecord(batch, keys::Entry(e.index()), e);
  PutLogBounds(batch, 0, 0, entries.size());
  PutSingleton(batch, Kind::kHardState, BootstrapHardState(options.initial_conf_state));
  PutSingleton(batch, Kind::kMembership, pb::ConfState());
  PutSingleton(batch, Kind::kSnapshotMeta, pb::SnapshotMetadata());
}

Status CheckOptions(const LeveldbStorageOptions& options) {
  if (options.dir.empty()) return Status::InvalidArgument("no data directory given");
  if (options.cluster_id.empty()) return Status::InvalidArgument("no cluster id given");
  if (options.node_id == 0) return Status::InvalidArgument("node id 0 is reserved for 'none'");
  return Status::Ok();
}

// Prefixes a failure with the directory it is about, keeping its code.
Status InDir(const std::string& dir, const Status& s) {
  if (s.ok()) return s;
  const std::string message = "data directory " + dir + ": " + s.message();
  return s.code() == Status::Code::kCorruption ? Status::Corruption(message)
                                               : Status::IOError(message);
}

}  // namespace

Result<std::unique_ptr<LeveldbStorage>> LeveldbStorage::Open(const LeveldbStorageOptions& options) {
  Status s = CheckOptions(options);
  if (!s.ok()) return s;
  std::string dir = options.dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();

  auto env = std::make_unique<DirSyncingEnv>(options.env ? options.env : leveldb::Env::Default());
  if (!env->FileExists(dir)) {
    if (!options.create_if_missing) {
      return Status::IOError("data directory " + dir + " does not exist (create_if_missing is off)");
    }
    leveldb::Status created = env->CreateDir(dir);
    if (!created.ok()) return FromLeveldb(created, "cannot create data directory " + dir);
  }

  leveldb::Options db_options;
  db_options.env = env.get();
  db_options.create_if_missing = options.create_if_missing;
  // Surface corruption leveldb finds instead of letting it skip the damaged data. A torn
  // record at the tail of its log (a crash mid-write) is still not an error.
  db_options.paranoid_checks = true;
  db_options.write_buffer_size = options.write_buffer_size;
  leveldb::DB* raw_db = nullptr;
  leveldb::Status opened = leveldb::DB::Open(db_options, dir, &raw_db);
  if (!opened.ok()) return InDir(dir, FromLeveldb(opened, "cannot open leveldb"));

  std::unique_ptr<LeveldbStorage> storage(new LeveldbStorage(dir, std::move(env)));
  storage->db_.reset(raw_db);
  leveldb::DB* db = storage->db_.get();

  if (IsEmpty(db)) {
    // An empty database is a directory that was never initialized, or whose initializing
    // write a crash lost (it is synced, so it is all there or not at all).
    if (!options.create_if_missing) {
      return Status::IOError("data directory " + dir + " is empty (create_if_missing is off)");
    }
    leveldb::WriteBatch batch;
    PutInitialRecords(options, &batch);
    s = storage->Write(&batch);
    if (!s.ok()) return InDir(dir, s);
  }

  Result<DurableState> loaded =
      LoadDurableState(db, storage->snapshot_files_, options.cluster_id, options.node_id);
  if (!loaded.ok()) return InDir(dir, loaded.status());
  DurableState& st = loaded.value();
  storage->hard_state_ = std::move(st.hard_state);
  storage->membership_ = std::move(st.membership);
  storage->snapshot_ = std::move(st.snapshot);
  storage->snapshot_file_ = std::move(st.snapshot_file);
  storage->next_snapshot_sequence_ =
      storage->snapshot_file_ ? storage->snapshot_file_->sequence() + 1 : 1;
  storage->log_ = std::move(st.log);

  // Snapshot files no record refers to: replaced ones whose removal a crash interrupted, and
  // temp files of writes that never completed.
  s = storage->snapshot_files_.RemoveAllExcept(
      storage->snapshot_file_ ? storage->snapshot_file_->file_name() : std::string());
  if (!s.ok()) return InDir(dir, s);
  return storage;
}

LeveldbStorage::LeveldbStorage(std::string dir, std::unique_ptr<DirSyncingEnv> env)
    : dir_(std::move(dir)), env_(std::move(env)), snapshot_files_(env_.get(), dir_) {}

LeveldbStorage::~LeveldbStorage() = default;

// ---- Storage ----

Result<InitialState> LeveldbStorage::GetInitialState() const {
  return InitialState{hard_state_, membership_};
}

Result<std::vector<pb::Entry>> LeveldbStorage::Entries(uint64_t lo, uint64_t hi,
                                                       uint64_t max_bytes) const {
  return log_.Entries(lo, hi, max_bytes);
}

Result<uint64_t> LeveldbStorage::Term(uint64_t i) const { return log_.Term(i); }

uint64_t LeveldbStorage::FirstIndex() const { return log_.FirstIndex(); }

uint64_t LeveldbStorage::LastIndex() const { return log_.LastIndex(); }

Result<pb::Snapshot> LeveldbStorage::GetSnapshot() const {
  pb::Snapshot snapshot;
  *snapshot.mutable_metadata() = snapshot_;
  if (snapshot_file_) {
    Result<std::string> data = snapshot_files_.ReadAll(*snapshot_file_);
    if (!data.ok()) return data.status();
    snapshot.set_data(std::move(data).value());
  }
  return snapshot;
}

// ---- Writes ----

Status LeveldbStorage::Persist(const std::optional<pb::Snapshot>& snapshot,
                               const std::vector<pb::Entry>& entries,
                               const std::optional<pb::HardState>& hard_state) {
  Status s = CheckWritable();
  if (!s.ok()) return s;
  if (!snapshot && entries.empty() && !hard_state) return Status::Ok();

  // Validate everything against the state this write would produce before writing anything.
  uint64_t compacted = log_.compacted_index();
  uint64_t compacted_term = log_.compacted_term();
  uint64_t last = log_.LastIndex();
  if (snapshot) {
    const pb::SnapshotMetadata& m = snapshot->metadata();
    if (m.index() < snapshot_.index()) {
      return Status::InvalidArgument("snapshot is older than the stored one");
    }
    if (m.index() == 0) return Status::InvalidArgument("snapshot at index 0");
    compacted = m.index();
    compacted_term = m.term();
    last = m.index();
  }
  for (size_t k = 1; k < entries.size(); ++k) {
    if (entries[k].index() != entries[k - 1].index() + 1) {
      return Status::InvalidArgument("entries are not contiguous at index " +
                                     Str(entries[k - 1].index()));
    }
  }
  // The entries to store: those past the compaction point (MemoryStorage skips the rest).
  size_t skip = entries.size();
  if (!entries.empty() && entries.back().index() > compacted) {
    if (entries.front().index() > last + 1) {
      return Status::InvalidArgument("append leaves a gap after index " + Str(last));
    }
    skip = entries.front().index() > compacted ? 0 : compacted + 1 - entries.front().index();
  }
  const std::span<const pb::Entry> kept(entries.data() + skip, entries.size() - skip);
  const uint64_t new_last = kept.empty() ? last : kept.back().index();
  const uint64_t commit = hard_state ? hard_state->commit() : hard_state_.commit();
  if (commit > new_last) {
    return Status::InvalidArgument("commit index " + Str(commit) +
                                   " would be beyond the last index " + Str(new_last));
  }

  // The snapshot's data goes to its own file, durable before any record names it.
  std::optional<storagepb::SnapshotFileRecord> new_file;
  if (snapshot) {
    Result<storagepb::SnapshotFileRecord> written =
        WriteSnapshotFile(snapshot->metadata(),
                          [&snapshot](SnapshotSink& sink) { return sink.Write(snapshot->data()); });
    if (!written.ok()) return written.status();
    new_file = std::move(written).value();
  }

  leveldb::WriteBatch batch;
  if (snapshot) {
    PutSnapshot(snapshot->metadata(), *new_file, &batch);
    DeleteEntries(&batch, log_.FirstIndex(), log_.LastIndex());  // the whole old log
  } else if (!kept.empty()) {
    DeleteEntries(&batch, new_last + 1, last);  // the overwritten suffix past the new end
  }
  for (const pb::Entry& e : kept) PutRecord(&batch, keys::Entry(e.index()), e);
  if (snapshot || !kept.empty()) PutLogBounds(&batch, compacted, compacted_term, new_last);
  if (hard_state) PutSingleton(&batch, Kind::kHardState, *hard_state);
  s = Write(&batch);
  if (!s.ok()) return s;

  if (snapshot) {
    const std::optional<storagepb::SnapshotFileRecord> replaced = std::move(snapshot_file_);
    snapshot_ = snapshot->metadata();
    membership_ = snapshot_.conf_state();
    snapshot_file_ = std::move(new_file);
    log_.Reset(compacted, compacted_term);
    RemoveReplacedSnapshotFile(replaced);
  }
  log_.TruncateAndAppend(kept);
  if (hard_state) hard_state_ = *hard_state;
  return Status::Ok();
}

Result<pb::SnapshotMetadata> LeveldbStorage::CreateSnapshot(uint64_t index,
                                                            const pb::ConfState& conf_state,
                                                            std::string_view data) {
  Status s = CheckWritable();
  if (!s.ok()) return s;
  if (index <= snapshot_.index()) return Status::InvalidArgument("snapshot out of date");
  if (index > log_.LastIndex()) return Status::InvalidArgument("snapshot index beyond the log");
  // compacted <= snapshot_.index() < index, so the entry's term is still known.
  Result<PreparedSnapshot> prepared =
      PrepareSnapshot(index, log_.Term(index).value(), conf_state, data);
  if (!prepared.ok()) return prepared.status();
  return CommitSnapshot(std::move(prepared).value());
}

Result<LeveldbStorage::PreparedSnapshot> LeveldbStorage::PrepareSnapshot(
    uint64_t index, uint64_t term, const pb::ConfState& conf_state, std::string_view data) {
  return PrepareSnapshot(index, term, conf_state,
                         [data](SnapshotSink& sink) { return sink.Write(data); });
}

Result<LeveldbStorage::PreparedSnapshot> LeveldbStorage::PrepareSnapshot(
    uint64_t index, uint64_t term, const pb::ConfState& conf_state,
    const SnapshotProducer& write) {
  PreparedSnapshot prepared;
  prepared.metadata.set_index(index);
  prepared.metadata.set_term(term);
  *prepared.metadata.mutable_conf_state() = conf_state;
  Result<storagepb::SnapshotFileRecord> file = WriteSnapshotFile(prepared.metadata, write);
  if (!file.ok()) return file.status();
  prepared.file = std::move(file).value();
  return prepared;
}

Result<pb::SnapshotMetadata> LeveldbStorage::CommitSnapshot(PreparedSnapshot prepared) {
  const pb::SnapshotMetadata& metadata = prepared.metadata;
  Status s = CheckWritable();
  if (s.ok() && metadata.index() <= snapshot_.index()) {
    // A newer snapshot (e.g. one installed from the leader) arrived meanwhile.
    s = Status::InvalidArgument("snapshot out of date");
  }
  if (s.ok() && metadata.index() > log_.LastIndex()) {
    s = Status::InvalidArgument("snapshot index beyond the log");
  }
  if (s.ok() && log_.Term(metadata.index()).value() != metadata.term()) {
    s = Status::InvalidArgument("snapshot term does not match the log");
  }
  if (!s.ok()) {
    (void)snapshot_files_.Remove(prepared.file.file_name());
    return s;
  }
  leveldb::WriteBatch batch;
  PutSnapshot(metadata, prepared.file, &batch);
  s = Write(&batch);
  if (!s.ok()) return s;

  const std::optional<storagepb::SnapshotFileRecord> replaced = std::move(snapshot_file_);
  snapshot_ = metadata;
  membership_ = metadata.conf_state();
  snapshot_file_ = std::move(prepared.file);
  RemoveReplacedSnapshotFile(replaced);
  return snapshot_;
}

Status LeveldbStorage::Compact(uint64_t index) {
  Status s = CheckWritable();
  if (!s.ok()) return s;
  if (index <= log_.compacted_index()) return Status::Ok();
  if (index > log_.LastIndex()) return Status::InvalidArgument("compact beyond the log");
  if (index > snapshot_.index()) {
    return Status::InvalidArgument("compact to " + Str(index) + " beyond the snapshot at index " +
                                   Str(snapshot_.index()) +
                                   ": entries after the snapshot would be lost at restart");
  }
  leveldb::WriteBatch batch;
  DeleteEntries(&batch, log_.FirstIndex(), index);
  PutLogBounds(&batch, index, log_.Term(index).value(), log_.LastIndex());
  s = Write(&batch);
  if (!s.ok()) return s;
  log_.CompactTo(index);
  return Status::Ok();
}

// ---- Other reads ----

Result<std::string> LeveldbStorage::ReadSnapshotData() const {
  if (!snapshot_file_) return std::string();
  return snapshot_files_.ReadAll(*snapshot_file_);
}

Result<std::string> LeveldbStorage::ReadSnapshotChunk(uint64_t offset, uint64_t max_bytes) const {
  if (!snapshot_file_) return std::string();
  return snapshot_files_.ReadChunk(*snapshot_file_, offset, max_bytes);
}

StorageStats LeveldbStorage::stats() const {
  StorageStats stats;
  stats.writes = writes_.load(std::memory_order_relaxed);
  stats.synced_writes = stats.writes;
  stats.bytes_written = bytes_written_.load(std::memory_order_relaxed);
  stats.fsyncs = env_->syncs();
  return stats;
}

// ---- Private ----

Status LeveldbStorage::Write(leveldb::WriteBatch* batch) {
  leveldb::WriteOptions options;
  options.sync = true;
  const leveldb::Status s = db_->Write(options, batch);
  writes_.fetch_add(1, std::memory_order_relaxed);
  bytes_written_.fetch_add(batch->ApproximateSize(), std::memory_order_relaxed);
  if (!s.ok()) {
    // leveldb may or may not have made the batch durable: the mirror can no longer be
    // trusted to equal the disk, so no further write may build on it.
    write_error_ = FromLeveldb(s, "writing to " + dir_);
    return write_error_;
  }
  return Status::Ok();
}

Status LeveldbStorage::CheckWritable() const {
  if (write_error_.ok()) return Status::Ok();
  return Status::IOError("an earlier write failed; reopen the storage (" + write_error_.message() +
                         ")");
}

Result<storagepb::SnapshotFileRecord> LeveldbStorage::WriteSnapshotFile(
    const pb::SnapshotMetadata& metadata, const SnapshotProducer& write) {
  // Unique across concurrent PrepareSnapshot calls and snapshot installs.
  const uint64_t sequence = next_snapshot_sequence_.fetch_add(1, std::memory_order_relaxed);
  Result<std::unique_ptr<SnapshotFileSink>> sink =
      snapshot_files_.NewSink(metadata.index(), metadata.term(), sequence);
  if (!sink.ok()) return sink.status();
  Status s = write(**sink);
  if (!s.ok()) return s;
  Result<storagepb::SnapshotFileRecord> file = (*sink)->Finish();
  if (file.ok()) bytes_written_.fetch_add(file->size(), std::memory_order_relaxed);
  return file;
}

void LeveldbStorage::PutSnapshot(const pb::SnapshotMetadata& metadata,
                                 const storagepb::SnapshotFileRecord& file,
                                 leveldb::WriteBatch* batch) {
  PutSingleton(batch, Kind::kSnapshotMeta, metadata);
  PutSingleton(batch, Kind::kSnapshotFile, file);
  PutSingleton(batch, Kind::kMembership, metadata.conf_state());
}

void LeveldbStorage::RemoveReplacedSnapshotFile(
    const std::optional<storagepb::SnapshotFileRecord>& replaced) {
  if (replaced) (void)snapshot_files_.Remove(replaced->file_name());
}

}  // namespace coord::raft
