// Typed requests and results: the store's direct C++ API (store.h), which Apply reaches
// through the codec (codec.h) and tests and benchmarks call as is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "coord/stat.h"
#include "coord/status.h"

namespace coord::store {

// What the proposer stamped on the entry, plus the entry's index. Nothing about the replica
// applying it enters a write: this is the whole of its context.
struct Txn {
  uint64_t zxid = 0;        // the Raft index; strictly increasing across writes
  int64_t time_ms = 0;      // the leader's clock when it proposed the entry
  uint64_t session_id = 0;  // the session issuing the write, 0 for none
};

// ZooKeeper's create modes, with its numbering of TTL variants folded in.
enum class CreateMode : uint8_t {
  kPersistent = 0,
  kEphemeral = 1,
  kPersistentSequential = 2,
  kEphemeralSequential = 3,
  kContainer = 4,
  kPersistentWithTtl = 5,
  kPersistentSequentialWithTtl = 6,
};

bool IsSequential(CreateMode mode);
bool IsEphemeral(CreateMode mode);
bool HasTtl(CreateMode mode);

struct CreateRequest {
  std::string path;  // for sequential modes, the prefix the suffix is appended to
  std::string data;
  CreateMode mode = CreateMode::kPersistent;
  int64_t ttl_ms = 0;  // TTL modes only; must be 0 otherwise
};
struct CreateResult {
  std::string path;  // the created path (with the sequence suffix, if sequential)
  Stat stat;
  uint64_t zxid = 0;
};

struct DeleteRequest {
  std::string path;
  std::optional<int32_t> expected_version;  // unset: any version
};
struct DeleteResult {
  uint64_t zxid = 0;
};

struct SetDataRequest {
  std::string path;
  std::string data;
  std::optional<int32_t> expected_version;
};
struct SetDataResult {
  Stat stat;
  uint64_t zxid = 0;
};

// Multi only: succeeds when the node exists (at the expected version, if given).
struct CheckRequest {
  std::string path;
  std::optional<int32_t> expected_version;
};
struct CheckResult {};

using Op = std::variant<CheckRequest, CreateRequest, SetDataRequest, DeleteRequest>;
using OpResult = std::variant<CheckResult, CreateResult, SetDataResult, DeleteResult>;

struct MultiRequest {
  std::vector<Op> ops;
};
// On failure the Result's Status carries the failing op's code and failed_op(); ops before
// it count as kRolledBack and ops after it as kNotAttempted (see MultiOpCode).
struct MultiResult {
  std::vector<OpResult> results;  // one per op, in order
  uint64_t zxid = 0;
};
// The per-op code of op `index` in a multi that failed with `status`.
Code MultiOpCode(const Status& status, int index);

struct OpenSessionRequest {
  int64_t ttl_ms = 0;  // clamped into [Options::min_session_ttl_ms, max_session_ttl_ms]
};
struct OpenSessionResult {
  uint64_t session_id = 0;
  int64_t ttl_ms = 0;  // the TTL granted
  uint64_t zxid = 0;
};

struct CloseSessionRequest {
  uint64_t session_id = 0;
};
// Decided by the leader's lease keeper; applied like a close.
struct ExpireSessionRequest {
  uint64_t session_id = 0;
};
struct SessionEndResult {
  std::vector<std::string> deleted;  // the session's ephemerals, now gone
  uint64_t zxid = 0;
};

// A deletion decided by the leader's reaper (node_reaper.h). Apply re-checks the condition,
// so a stale decision changes nothing.
enum class ReapKind : uint8_t {
  kTtl = 0,        // still a childless TTL node, unmodified since (mzxid == expected_mzxid)
                   // and due by the entry's time (mtime + ttl <= Txn::time_ms)
  kContainer = 1,  // still a container that has had children and has none
};
struct ReapRequest {
  std::string path;
  ReapKind kind = ReapKind::kTtl;
  uint64_t expected_mzxid = 0;  // kTtl only
};

struct SyncResult {
  uint64_t zxid = 0;
};

// Reads.
struct GetResult {
  std::string data;
  Stat stat;
};
struct ChildrenResult {
  std::vector<std::string> names;  // sorted byte-wise
  std::vector<Stat> stats;         // parallel to names, when asked for
  Stat stat;                       // the parent's
};

}  // namespace coord::store
