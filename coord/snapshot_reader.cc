#include "coord/snapshot_reader.h"

#include <string>
#include <string_view>

#include "coord/hash64.h"
#include "coord/path.h"
#include "coord/snapshot.pb.h"
#include "coord/state_check.h"

namespace coord::store {
namespace {

// Far above any legal record (1 MiB of data by default), far below a length that would make
// us allocate absurdly on a corrupt prefix.
constexpr uint64_t kMaxRecordBytes = uint64_t{256} << 20;

raft::Status Corrupt(const std::string& what) {
  return raft::Status::Corruption("snapshot: " + what);
}

// Cuts the chunk stream back into records.
class RecordReader {
 public:
  explicit RecordReader(raft::SnapshotSource& source) : source_(source) {}

  // Reads the next record into *record and its bytes (prefix included) into *raw; returns
  // false at the end of the stream. *raw is valid until the next call.
  raft::Result<bool> Next(pb::SnapshotRecord* record, std::string_view* raw) {
    uint64_t length = 0;
    size_t prefix = 0;
    for (;;) {  // decode the varint prefix, reading more when it is cut off
      bool complete = false;
      length = 0;
      prefix = 0;
      for (int shift = 0; pos_ + prefix < buf_.size() && shift < 64; shift += 7) {
        auto b = static_cast<unsigned char>(buf_[pos_ + prefix++]);
        length |= static_cast<uint64_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) {
          complete = true;
          break;
        }
      }
      if (complete) break;
      if (prefix >= 10) return Corrupt("bad record length");
      raft::Result<bool> more = Fill();
      if (!more.ok()) return more.status();
      if (!*more) {
        if (pos_ == buf_.size()) return false;
        return Corrupt("stream ends inside a record length");
      }
    }
    if (length > kMaxRecordBytes) return Corrupt("record of " + std::to_string(length) + " bytes");
    while (buf_.size() - pos_ < prefix + length) {
      raft::Result<bool> more = Fill();
      if (!more.ok()) return more.status();
      if (!*more) return Corrupt("stream ends inside a record");
    }
    const char* start = buf_.data() + pos_;
    if (!record->ParseFromArray(start + prefix, static_cast<int>(length))) {
      return Corrupt("undecodable record");
    }
    *raw = std::string_view(start, prefix + length);
    pos_ += prefix + length;
    return true;
  }

 private:
  // Appends the next chunk, first dropping what has been consumed. False at the end.
  raft::Result<bool> Fill() {
    if (pos_ > 0) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    std::string chunk;
    for (;;) {
      raft::Result<bool> more = source_.Read(&chunk);
      if (!more.ok() || !*more) return more;
      if (!chunk.empty()) break;  // tolerate empty chunks
    }
    buf_.append(chunk);
    return true;
  }

  raft::SnapshotSource& source_;
  std::string buf_;
  size_t pos_ = 0;
};

raft::Result<NodeRef> NodeFromProto(const pb::SnapshotNode& n) {
  int kind = static_cast<int>(n.kind());
  if (kind < 0 || kind > static_cast<int>(NodeKind::kTtl)) return Corrupt("unknown node kind");
  Options lax;
  lax.max_path_bytes = SIZE_MAX;  // limits may have changed since; the rules may not
  if (Status st = ValidatePath(n.path(), lax); !st.ok()) return Corrupt(st.message());
  if (n.data().size() > UINT32_MAX) return Corrupt("data too large");
  Node::Meta m;
  m.czxid = n.czxid();
  m.mzxid = n.mzxid();
  m.pzxid = n.pzxid();
  m.ctime = n.ctime();
  m.mtime = n.mtime();
  m.version = n.version();
  m.cversion = n.cversion();
  m.num_children = n.num_children();
  m.ephemeral_owner = n.ephemeral_owner();
  m.kind = static_cast<NodeKind>(kind);
  m.ttl_ms = n.ttl_ms();
  return Node::Make(n.path(), n.data(), m);
}

}  // namespace

raft::Result<State> ReadSnapshot(raft::SnapshotSource& source) {
  RecordReader reader(source);
  pb::SnapshotRecord record;
  std::string_view raw;
  Hash64 hash;

  // Reads the next record, which must be of kind `want`, hashing it unless it is the trailer.
  auto expect = [&](pb::SnapshotRecord::RecordCase want, const char* what) -> raft::Status {
    raft::Result<bool> got = reader.Next(&record, &raw);
    if (!got.ok()) return got.status();
    if (!*got) return Corrupt(std::string("stream ends before the ") + what);
    if (record.record_case() != want) return Corrupt(std::string("expected the ") + what);
    if (want != pb::SnapshotRecord::kTrailer) hash.Update(raw);
    return raft::Status::Ok();
  };

  if (raft::Status st = expect(pb::SnapshotRecord::kHeader, "header"); !st.ok()) return st;
  const pb::SnapshotHeader header = record.header();
  if (header.format_version() != 1) {
    return Corrupt("unknown format version " + std::to_string(header.format_version()));
  }

  NodeSet::Builder nodes;
  for (uint64_t i = 0; i < header.node_count(); ++i) {
    if (raft::Status st = expect(pb::SnapshotRecord::kNode, "node"); !st.ok()) return st;
    raft::Result<NodeRef> node = NodeFromProto(record.node());
    if (!node.ok()) return node.status();
    if (!nodes.Add(std::move(node).value())) return Corrupt("nodes out of order");
  }
  SessionSet::Builder sessions;
  for (uint64_t i = 0; i < header.session_count(); ++i) {
    if (raft::Status st = expect(pb::SnapshotRecord::kSession, "session"); !st.ok()) return st;
    const pb::SnapshotSession& s = record.session();
    if (!sessions.Add(Session{s.id(), s.ttl_ms(), s.opened_ms(), s.cached_responses(),
                              s.dedup_floor()})) {
      return Corrupt("sessions out of order");
    }
  }
  DedupTable::Builder dedup;
  for (uint64_t i = 0; i < header.cached_response_count(); ++i) {
    if (raft::Status st = expect(pb::SnapshotRecord::kCachedResponse, "cached response");
        !st.ok()) {
      return st;
    }
    pb::SnapshotCachedResponse* c = record.mutable_cached_response();
    if (!dedup.Add(CachedResponse{
            c->session_id(), c->request_id(),
            std::make_shared<const std::string>(std::move(*c->mutable_response()))})) {
      return Corrupt("cached responses out of order");
    }
  }
  const uint64_t checksum = hash.Finish();
  if (raft::Status st = expect(pb::SnapshotRecord::kTrailer, "trailer"); !st.ok()) return st;
  if (record.trailer().checksum() != checksum) return Corrupt("checksum mismatch");
  raft::Result<bool> extra = reader.Next(&record, &raw);
  if (!extra.ok()) return extra.status();
  if (*extra) return Corrupt("records after the trailer");

  State state;
  state.zxid = header.last_applied();
  state.nodes = std::move(nodes).Finish();
  state.sessions = std::move(sessions).Finish();
  state.dedup = std::move(dedup).Finish();
  if (std::string err = CheckTree(state); !err.empty()) return Corrupt(err);
  state.RebuildIndexes();
  return state;
}

}  // namespace coord::store
