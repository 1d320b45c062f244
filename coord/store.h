// Store: the coordination data model (ZooKeeper's tree, etcd's revision discipline) as a
// plain object, with no Raft, no network and no clock, so that it can be tested and
// benchmarked standalone. StoreStateMachine (state_machine.h) puts it behind the
// raft::StateMachine interface; tests and benchmarks call it directly.
//
// Writes take the Txn of the log entry they execute: its index is the zxid, and the
// leader's time and the issuing session come from the entry, never from this replica.
// Apply is therefore deterministic: the same writes in the same order give every replica the
// same state, the same results and the same events.
//
// Every write
//   REQUIRES txn.zxid > zxid() (a broken invariant stops the process: replaying or
//            reordering the log is a bug in the caller, not a client error);
//   leaves zxid() == txn.zxid, whether it succeeded or not;
//   fails with kSessionExpired, changing nothing, if txn.session_id is not 0 and names no
//            live session (except OpenSession, CloseSession, ExpireSession and Sync, which
//            do not act for a session);
//   on success, hands its events (event.h) to the listener, if one is set.
//
// Thread-safety: not thread-safe; one thread (the apply thread) owns a Store and makes every
// call, View() included. The StoreView that View() returns may then be read on any thread.
// The event listener runs on the writing thread, inside the write: it must not call back into
// the Store.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "coord/dedup.h"
#include "coord/event.h"
#include "coord/options.h"
#include "coord/requests.h"
#include "coord/state.h"
#include "coord/store_view.h"

namespace coord::store {

class Store {
 public:
  explicit Store(Options options = {});

  const Options& options() const { return options_; }
  // The zxid of the last write (= the index of the last applied entry).
  uint64_t zxid() const { return state_.zxid; }
  size_t node_count() const { return state_.nodes.size(); }

  // --- Writes -------------------------------------------------------------------------
  Result<CreateResult> Create(const Txn& txn, const CreateRequest& request);
  Result<DeleteResult> Delete(const Txn& txn, const DeleteRequest& request);
  Result<SetDataResult> SetData(const Txn& txn, const SetDataRequest& request);
  // All ops or none, at one zxid; each op sees the effects of the ones before it. On failure
  // the status names the failing op (requests.h: MultiOpCode) and nothing changes.
  // kInvalidArgument (failed_op -1) if there are more than Options::max_multi_ops ops.
  Result<MultiResult> Multi(const Txn& txn, const MultiRequest& request);

  Result<OpenSessionResult> OpenSession(const Txn& txn, const OpenSessionRequest& request);
  // Both delete the session's ephemerals at txn.zxid; kSessionExpired if it does not exist.
  Result<SessionEndResult> CloseSession(const Txn& txn, const CloseSessionRequest& request);
  Result<SessionEndResult> ExpireSession(const Txn& txn, const ExpireSessionRequest& request);
  // A TTL or container deletion decided by the leader (node_reaper.h), re-checked here.
  Status Reap(const Txn& txn, const ReapRequest& request);
  // A marker: after it applies, every write proposed before it is visible.
  SyncResult Sync(const Txn& txn);
  // For an entry that executes nothing (the leader's no-op, an undecodable command, a
  // replayed retry). REQUIRES: zxid > zxid().
  void Advance(uint64_t zxid);

  // --- Exactly-once writes (dedup.h) ------------------------------------------------------
  DedupVerdict CheckDedup(uint64_t session_id, uint64_t request_id) const {
    return store::CheckDedup(state_, session_id, request_id);
  }
  // Caches the encoded response of the write just applied. Part of the same entry: does not
  // advance the zxid. REQUIRES: the session exists, request_id != 0.
  void CacheResponse(uint64_t session_id, uint64_t request_id, std::string response);

  // --- Reads (never through the log) ------------------------------------------------------
  Result<GetResult> Get(std::string_view path) const;
  Result<std::optional<Stat>> Exists(std::string_view path) const;
  Result<ChildrenResult> Children(std::string_view path, bool with_stats = false) const;
  std::optional<Session> GetSession(uint64_t session_id) const;
  // An immutable image of the current state, cheap to take, readable on any thread.
  StoreView View() const { return StoreView(state_, options_); }

  // --- Events ---------------------------------------------------------------------------
  using EventListener = std::function<void(const EventList&)>;
  // Set before the first write; an empty listener turns events off (and their cost).
  void SetEventListener(EventListener listener) { listener_ = std::move(listener); }

  // --- Whole state ----------------------------------------------------------------------
  const State& state() const { return state_; }
  // Replaces everything (snapshot restore). REQUIRES: `state` passed CheckTree
  // (state_check.h) and its indexes are built.
  void ResetState(State state) { state_ = std::move(state); }

 private:
  void Begin(const Txn& txn);
  void Finish(const Txn& txn, bool ok);
  EventList* events() { return listener_ ? &events_ : nullptr; }
  // kSessionExpired unless txn.session_id is 0 or a live session.
  Status CheckSession(const Txn& txn) const;
  Result<MultiResult> RunMulti(const Txn& txn, const MultiRequest& request);

  Options options_;
  State state_;
  EventListener listener_;
  EventList events_;  // of the write in progress
};

}  // namespace coord::store
