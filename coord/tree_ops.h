// Tree operations: create, delete, set, check and reap, each applied to a State.
//
// Each operation does all of its checks before its first change, so a failure leaves the
// state untouched (a multi relies on this only for single ops; it rolls back whole ops by
// restoring a copy, see store.cc). Changes keep the derived indexes (indexes.h) in step and
// append the events of event.h to *events when events is non-null.
//
// Checks run in this order, which is part of the contract (the reference model in the tests
// follows it):
//   create: path rules; mode/TTL/session arguments; data size; parent exists; parent is not
//           ephemeral; node does not exist.
//   delete: path rules; not the root; node exists; version; no children.
//   set:    path rules; data size; node exists; version.
//   check:  path rules; node exists; version.
//   reap:   path rules; not the root; node exists; kind; (TTL) mzxid; children; due.
//
// Whether txn.session_id names a live session is checked by the caller (Store), once per
// command. Deterministic: reads nothing but its arguments.
#pragma once

#include "coord/event.h"
#include "coord/options.h"
#include "coord/requests.h"
#include "coord/state.h"

namespace coord::store {

Result<CreateResult> CreateNode(State& state, const Options& options, const Txn& txn,
                                const CreateRequest& request, EventList* events);
Result<DeleteResult> DeleteNode(State& state, const Options& options, const Txn& txn,
                                const DeleteRequest& request, EventList* events);
Result<SetDataResult> SetNodeData(State& state, const Options& options, const Txn& txn,
                                  const SetDataRequest& request, EventList* events);
Status CheckNode(const State& state, const Options& options, const CheckRequest& request);
Status ReapNode(State& state, const Options& options, const Txn& txn, const ReapRequest& request,
                EventList* events);

// Deletes `path` unconditionally (it must exist, not be the root, and have no children):
// the common tail of delete, reap and session end.
void RemoveNode(State& state, std::string_view path, uint64_t zxid, EventList* events);

// The node at `path`, or nullptr. REQUIRES: path is valid.
const NodeRef* FindNode(const State& state, std::string_view path);

}  // namespace coord::store
