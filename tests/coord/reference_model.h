// ReferenceModel: a deliberately naive implementation of the store's semantics, for the
// randomized test to compare the real one against. A std::map from path to node; children
// are found by scanning every node; a multi copies the whole map and puts it back on
// failure. Slow and obviously correct is the point. It shares only the path rules
// (path.h, tested by table on their own) with the code under test.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "coord/node.h"
#include "coord/options.h"
#include "coord/requests.h"

namespace coord::store::testing {

class ReferenceModel {
 public:
  explicit ReferenceModel(Options options);

  Result<CreateResult> Create(const Txn& txn, const CreateRequest& r);
  Result<DeleteResult> Delete(const Txn& txn, const DeleteRequest& r);
  Result<SetDataResult> SetData(const Txn& txn, const SetDataRequest& r);
  Result<MultiResult> Multi(const Txn& txn, const MultiRequest& r);
  Result<OpenSessionResult> OpenSession(const Txn& txn, const OpenSessionRequest& r);
  Result<SessionEndResult> EndSession(const Txn& txn, uint64_t id);
  Status Reap(const Txn& txn, const ReapRequest& r);

  Result<GetResult> Get(const std::string& path) const;
  Result<ChildrenResult> Children(const std::string& path) const;

  // What a reaper should decide at `now`: (path, kind) of every due TTL node and container.
  std::vector<std::string> Due(int64_t now) const;
  // The same text as testing::Dump of the real state.
  std::string Dump() const;

  bool HasSession(uint64_t id) const { return sessions_.count(id) > 0; }
  std::vector<std::string> Paths() const;
  size_t size() const { return nodes_.size(); }

 private:
  struct MNode {
    std::string data;
    Stat stat;  // num_children is not kept here: it is counted when asked for
    NodeKind kind = NodeKind::kPersistent;
    int64_t ttl_ms = 0;
  };
  struct MSession {
    int64_t ttl_ms;
    int64_t opened_ms;
  };

  std::vector<std::string> ChildNames(const std::string& path) const;
  // Parent path -> number of children, for every node that has some (one pass).
  std::map<std::string, int> ChildCounts() const;
  Stat StatOf(const std::string& path) const;
  Status CheckSessionOf(const Txn& txn) const;
  // Op bodies without the zxid bookkeeping, for Multi.
  Result<CreateResult> DoCreate(const Txn& txn, const CreateRequest& r);
  Result<DeleteResult> DoDelete(const Txn& txn, const DeleteRequest& r);
  Result<SetDataResult> DoSet(const Txn& txn, const SetDataRequest& r);
  Status DoCheck(const CheckRequest& r) const;
  void Remove(const std::string& path, uint64_t zxid);

  Options options_;
  uint64_t zxid_ = 0;
  std::map<std::string, MNode> nodes_;
  std::map<uint64_t, MSession> sessions_;
};

}  // namespace coord::store::testing
