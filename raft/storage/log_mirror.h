// LogMirror: the live part of the Raft log, held in memory.
//
// Why a full mirror rather than a cache: the core calls Term() on every append it receives
// and every vote it considers, and Entries() for every append it sends; serving those from
// leveldb would cost an iterator seek and a checksum each time. The live log is bounded --
// the application snapshots and compacts it every few thousand entries -- so holding all of
// it costs (live entries x entry size), e.g. 10,000 x 1 KB = 10 MB, and leveldb is then only
// written, and read once at open. If entries grow large enough that this bound hurts, this
// class is the place to turn into a cache with leveldb behind it.
//
// The mirror also remembers the compaction point (index and term of the last discarded
// entry), which answers Term(FirstIndex() - 1). Its read semantics are MemoryStorage's.
//
// Thread-safety: none; one owner.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "raft/raft.pb.h"
#include "raft/status.h"

namespace coord::raft {

class LogMirror {
 public:
  // An empty log whose compaction point is (compacted_index, compacted_term).
  explicit LogMirror(uint64_t compacted_index = 0, uint64_t compacted_term = 0);

  uint64_t compacted_index() const { return compacted_index_; }
  uint64_t compacted_term() const { return compacted_term_; }
  uint64_t FirstIndex() const { return compacted_index_ + 1; }
  uint64_t LastIndex() const { return compacted_index_ + entries_.size(); }

  // As Storage::Term and Storage::Entries.
  Result<uint64_t> Term(uint64_t i) const;
  Result<std::vector<pb::Entry>> Entries(uint64_t lo, uint64_t hi, uint64_t max_bytes) const;

  // REQUIRES: FirstIndex() <= i <= LastIndex().
  const pb::Entry& At(uint64_t i) const { return entries_[i - FirstIndex()]; }

  // Mutations check nothing beyond asserts: the storage validates a write before making it
  // durable, and only then applies it here.

  // Drops every entry; the compaction point becomes (index, term) (a snapshot was installed).
  void Reset(uint64_t index, uint64_t term);
  // Replaces entries from entries.front().index() on with `entries`.
  // REQUIRES: entries contiguous, FirstIndex() <= entries.front().index() <= LastIndex() + 1.
  void TruncateAndAppend(std::span<const pb::Entry> entries);
  // Appends one entry read back at recovery. REQUIRES: e.index() == LastIndex() + 1.
  void Append(pb::Entry e);
  // Discards entries up to and including `index`. REQUIRES: compacted_index() < index <= LastIndex().
  void CompactTo(uint64_t index);

 private:
  uint64_t compacted_index_;
  uint64_t compacted_term_;
  std::deque<pb::Entry> entries_;  // entries_[k] has index compacted_index_ + 1 + k
};

}  // namespace coord::raft
