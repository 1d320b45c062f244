#include "coord/snapshot_writer.h"

#include <string>

#include "coord/hash64.h"
#include "coord/snapshot.pb.h"

namespace coord::store {
namespace {

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Accumulates delimited records and hands them to the sink a chunk at a time, hashing every
// record's bytes (the trailer's excepted) on the way.
class ChunkedOutput {
 public:
  ChunkedOutput(raft::SnapshotSink& sink, size_t chunk_bytes)
      : sink_(sink), chunk_bytes_(chunk_bytes) {
    buf_.reserve(chunk_bytes + 4096);
  }

  raft::Status Append(const pb::SnapshotRecord& record, bool hashed = true) {
    size_t start = buf_.size();
    AppendVarint(record.ByteSizeLong(), &buf_);
    record.AppendToString(&buf_);
    if (hashed) hash_.Update(buf_.data() + start, buf_.size() - start);
    return buf_.size() >= chunk_bytes_ ? Flush() : raft::Status::Ok();
  }

  raft::Status Flush() {
    if (buf_.empty()) return raft::Status::Ok();
    raft::Status st = sink_.Write(buf_);
    buf_.clear();
    return st;
  }

  uint64_t Checksum() const { return hash_.Finish(); }

 private:
  raft::SnapshotSink& sink_;
  const size_t chunk_bytes_;
  std::string buf_;
  Hash64 hash_;
};

void FillNode(const Node& n, pb::SnapshotNode* out) {
  const Node::Meta& m = n.meta();
  out->set_path(n.path().data(), n.path().size());
  out->set_data(n.data().data(), n.data().size());
  out->set_czxid(m.czxid);
  out->set_mzxid(m.mzxid);
  out->set_pzxid(m.pzxid);
  out->set_ctime(m.ctime);
  out->set_mtime(m.mtime);
  out->set_version(m.version);
  out->set_cversion(m.cversion);
  out->set_num_children(m.num_children);
  out->set_ephemeral_owner(m.ephemeral_owner);
  out->set_kind(static_cast<pb::NodeKind>(m.kind));
  out->set_ttl_ms(m.ttl_ms);
}

}  // namespace

raft::Status StoreSnapshotWriter::WriteTo(raft::SnapshotSink& sink) {
  ChunkedOutput out(sink, chunk_bytes_);
  pb::SnapshotRecord record;
  raft::Status st;

  pb::SnapshotHeader* header = record.mutable_header();
  header->set_format_version(1);
  header->set_last_applied(state_.zxid);
  header->set_node_count(state_.nodes.size());
  header->set_session_count(state_.sessions.size());
  header->set_cached_response_count(state_.dedup.size());
  if (st = out.Append(record); !st.ok()) return st;

  for (auto it = state_.nodes.Begin(); it.Valid(); it.Next()) {
    FillNode(**it, record.mutable_node());  // reuses the message's buffers
    if (st = out.Append(record); !st.ok()) return st;
  }
  for (auto it = state_.sessions.Begin(); it.Valid(); it.Next()) {
    pb::SnapshotSession* s = record.mutable_session();
    s->set_id(it->id);
    s->set_ttl_ms(it->ttl_ms);
    s->set_opened_ms(it->opened_ms);
    s->set_cached_responses(it->cached_responses);
    s->set_dedup_floor(it->dedup_floor);
    if (st = out.Append(record); !st.ok()) return st;
  }
  for (auto it = state_.dedup.Begin(); it.Valid(); it.Next()) {
    pb::SnapshotCachedResponse* c = record.mutable_cached_response();
    c->set_session_id(it->session_id);
    c->set_request_id(it->request_id);
    c->set_response(*it->response);
    if (st = out.Append(record); !st.ok()) return st;
  }
  record.mutable_trailer()->set_checksum(out.Checksum());
  if (st = out.Append(record, /*hashed=*/false); !st.ok()) return st;
  return out.Flush();
}

}  // namespace coord::store
