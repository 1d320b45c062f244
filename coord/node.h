// Node: one node of the tree (path, data and metadata) as an immutable, shared record.
//
// Records are shared by the live tree and every snapshot or view taken while they were
// current, so a record is never changed once another holder can see it; a change makes a new
// record (see RefPtr::IsUnique for the one exception: a record only the live tree holds).
//
// Memory: one allocation per node, the fixed fields followed by the path and data bytes,
// about 88 bytes beyond path and data. That is what keeps a million-node tree within the
// per-node budget (docs/coord.md); separate std::string members would add two headers and
// two allocations per node.
//
// Thread-safety: reading a record is safe from any thread; only the apply thread may call
// mutable_meta(), and only on a record it holds uniquely.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "coord/path.h"
#include "coord/ref_ptr.h"
#include "coord/stat.h"

namespace coord::store {

// What a node is for; sequential is not a kind, only a way of naming at create.
enum class NodeKind : uint8_t {
  kPersistent = 0,
  kEphemeral = 1,  // deleted with its session; cannot have children
  kContainer = 2,  // deleted by the leader once it has had children and has none left
  kTtl = 3,        // deleted by the leader once unmodified for ttl_ms and childless
};

class Node;
using NodeRef = RefPtr<Node>;

class Node {
 public:
  // Everything but path and data. Counters wrap like ZooKeeper's 32-bit ones (see Bump).
  struct Meta {
    uint64_t czxid = 0;
    uint64_t mzxid = 0;
    uint64_t pzxid = 0;
    int64_t ctime = 0;
    int64_t mtime = 0;
    uint64_t ephemeral_owner = 0;
    int64_t ttl_ms = 0;  // kTtl only
    int32_t version = 0;
    int32_t cversion = 0;
    int32_t num_children = 0;
    NodeKind kind = NodeKind::kPersistent;

    bool operator==(const Meta&) const = default;
  };

  // REQUIRES: path is valid (path.h), so that its key can be computed once here.
  static NodeRef Make(std::string_view path, std::string_view data, const Meta& meta);

  // A new record with this path and the given data and meta.
  NodeRef WithData(std::string_view data, const Meta& meta) const {
    return Make(path(), data, meta);
  }
  NodeRef Clone() const { return Make(path(), data(), meta_); }

  std::string_view path() const { return {bytes(), path_len_}; }
  std::string_view data() const { return {bytes() + path_len_, data_len_}; }
  PathKey key() const;

  const Meta& meta() const { return meta_; }
  // REQUIRES: the caller (the apply thread) holds the only reference.
  Meta& mutable_meta() { return meta_; }

  NodeKind kind() const { return meta_.kind; }
  Stat stat() const;

  // Adds one to a ZooKeeper-style 32-bit counter, wrapping at 2^31 as ZooKeeper's int does
  // (signed overflow would be undefined behaviour in C++).
  static int32_t Bump(int32_t v) {
    return static_cast<int32_t>(static_cast<uint32_t>(v) + 1u);
  }

  static void Destroy(Node* n);

 private:
  friend class RefPtr<Node>;
  Node() = default;
  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
  char* bytes() { return reinterpret_cast<char*>(this + 1); }

  mutable std::atomic<uint32_t> refs_{1};
  uint32_t path_len_ = 0;
  uint32_t data_len_ = 0;
  uint32_t name_offset_ = 0;  // where the last component starts
  Meta meta_;
};

// The tree's order (path.h): by parent path, then name.
struct NodeOrder {
  static int Compare(const NodeRef& a, const NodeRef& b) {
    return ComparePathKeys(a->key(), b->key());
  }
  static int Compare(const NodeRef& a, const PathKey& b) { return ComparePathKeys(a->key(), b); }
};

}  // namespace coord::store
