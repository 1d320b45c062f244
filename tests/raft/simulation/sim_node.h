// SimNode: one simulated replica: a RawNode, its MemoryStorage (the replica's "disk") and
// its SimStateMachine.
//
// HandleReady() processes one Ready exactly in the order ready.h prescribes (send `messages`;
// persist snapshot, entries, hard state; send `messages_after_persist`; install the snapshot
// and apply committed entries; serve reads; Advance), and reports everything it did in a
// ReadyResult so the cluster can route messages and the checker can inspect every write.
// A CrashPlan makes the node crash part-way through, after some prefix of those steps.
//
// A crash discards the RawNode, the state machine and pending reads: only the MemoryStorage
// survives. Start() (re)creates the RawNode from the storage with Config::applied set to the
// storage snapshot's index, and rebuilds the state machine from that snapshot's data.
//
// Every `snapshot_every` applied entries the node snapshots its state machine into storage
// and compacts the log to `compaction_lag` entries behind it, so lagging followers need
// InstallSnapshot.
//
// Thread-safety: none; owned by the SimCluster.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "raft/config.h"
#include "raft/memory_storage.h"
#include "raft/raw_node.h"
#include "tests/raft/simulation/sim_state_machine.h"

namespace coord::raft::sim {

struct NodeOptions {
  Config base;  // everything but id, storage, applied and seed
  uint64_t snapshot_every = 32;
  uint64_t compaction_lag = 4;
};

// Where in a Ready a crash strikes. Each point keeps every step before it.
enum class CrashPoint {
  kNone,
  kBeforeReady,            // nothing of the Ready done: its messages never leave
  kAfterMessages,          // `messages` sent, nothing persisted
  kAfterSnapshot,          // ... snapshot persisted, entries not
  kMidEntries,             // ... a prefix of the entries persisted
  kBeforeHardState,        // ... all entries persisted, hard state not
  kBeforeSendAfterPersist, // ... everything persisted, `messages_after_persist` not sent
  kBeforeApply,            // ... everything sent, nothing applied, no Advance
};
const char* CrashPointName(CrashPoint point);

struct CrashPlan {
  CrashPoint point = CrashPoint::kNone;
  uint64_t entries_kept_seed = 0;  // kMidEntries keeps (seed % (n + 1)) of n entries
};

struct AppliedEntry {
  uint64_t index = 0;
  uint64_t term = 0;
  pb::EntryType type = pb::ENTRY_NORMAL;
  std::string data;
  uint64_t digest = 0;   // EntryDigest of the entry
  uint64_t rolling = 0;  // the state machine's rolling digest after applying it
};

struct ServedRead {
  std::string context;
  uint64_t read_index = 0;
  uint64_t applied_index = 0;  // the state the read was served from
};

// A safety problem the node noticed itself (storage refused a write, apply out of order...).
struct NodeFailure {
  std::string invariant;
  std::string detail;
};

struct ReadyResult {
  std::optional<SoftState> soft_state;
  std::vector<pb::Message> sent;  // in the order they were sent
  std::optional<pb::SnapshotMetadata> persisted_snapshot;
  std::vector<pb::Entry> persisted_entries;
  std::optional<pb::HardState> persisted_hard_state;
  // The state machine after installing the snapshot: (index, rolling digest).
  std::optional<std::pair<uint64_t, uint64_t>> installed_snapshot;
  std::vector<AppliedEntry> applied;
  std::vector<ReadState> read_states;
  std::vector<ServedRead> served_reads;
  std::optional<std::pair<uint64_t, uint64_t>> local_snapshot;  // (index, compacted to)
  bool crashed = false;
  std::optional<NodeFailure> failure;
};

class SimNode {
 public:
  // A node whose storage starts with `initial` members (empty: it learns the configuration
  // from the leader).
  SimNode(uint64_t id, const pb::ConfState& initial, NodeOptions options);

  uint64_t id() const { return id_; }
  bool up() const { return raw_ != nullptr; }
  // Increases on every Start(); lets callers tell a restarted node from its past self.
  uint64_t incarnation() const { return incarnation_; }

  // Creates the RawNode from storage (first boot or restart). REQUIRES: !up().
  Status Start(uint64_t seed);
  // Loses everything not in storage. REQUIRES: up().
  void Crash();

  RawNode& raw() { return *raw_; }
  const RawNode& raw() const { return *raw_; }
  bool HasReady() const { return raw_ && raw_->HasReady(); }
  // Processes one Ready. REQUIRES: HasReady().
  ReadyResult HandleReady(const CrashPlan& plan);

  const MemoryStorage& storage() const { return *storage_; }
  const SimStateMachine& state_machine() const { return sm_; }
  // The membership as of the applied index, tracked from applied conf changes.
  const pb::ConfState& applied_conf() const { return conf_; }

 private:
  void Persist(const Ready& rd, const CrashPlan& plan, ReadyResult* out);
  void Apply(const Ready& rd, ReadyResult* out);
  void ServeReads(ReadyResult* out);
  void MaybeSnapshot(ReadyResult* out);
  void Fail(ReadyResult* out, std::string invariant, std::string detail);

  const uint64_t id_;
  const NodeOptions options_;
  std::unique_ptr<MemoryStorage> storage_;
  std::unique_ptr<RawNode> raw_;
  SimStateMachine sm_;
  pb::ConfState conf_;
  std::vector<ReadState> pending_reads_;
  uint64_t snapshot_index_ = 0;  // of the latest snapshot in storage
  uint64_t incarnation_ = 0;
};

bool SameConf(const pb::ConfState& a, const pb::ConfState& b);
std::string ConfString(const pb::ConfState& cs);

}  // namespace coord::raft::sim
