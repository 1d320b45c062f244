// The register workload: clients read, write and compare-and-set integer registers, each a
// node /jepsen-register/<k> whose data is the decimal value (empty: the register is absent, null).
//
// A cas [expected, new] is a linearizable read followed by a set conditioned on the version
// read: if the value read is not `expected` the cas fails with "mismatch" (a read that saw
// another value, as the format allows); if the version moved meanwhile it fails without
// effect; the conditional set decides otherwise. Keys rotate as the format advises:
// `keys_per_round` in use at once, each retired for a fresh one after `ops_per_key` operations,
// so each key's history stays checkable. Keys are created in batches ahead of use.
#pragma once

#include <mutex>
#include <vector>

#include "jepsen/harness/workload.h"

namespace coord::jepsen::harness {

class RegisterWorkload : public Workload {
 public:
  explicit RegisterWorkload(const WorkloadOptions& options);
  std::string name() const override { return "register"; }
  int threads() const override { return threads_; }
  raft::Status Setup(WorkloadContext& ctx) override;
  void RunClient(WorkloadContext& ctx, int thread) override;
  raft::Status Finish(WorkloadContext&) override { return raft::Status::Ok(); }

 private:
  // The key for the next operation (creating a batch of keys when the rotation needs one).
  int PickKey(ClientThread& client);
  raft::Status CreateKeys(ClientThread& client, int from, int count);
  static std::string KeyPath(int key);

  void Read(ClientThread& client, int key);
  void Write(ClientThread& client, int key, int value);
  void Cas(ClientThread& client, int key, int expected, int value);

  const int threads_;
  const int keys_per_round_;
  const int ops_per_key_;
  std::mutex mu_;
  struct Slot {
    int key;
    int ops;
  };
  std::vector<Slot> active_;  // GUARDED_BY(mu_)
  int next_key_ = 0;          // GUARDED_BY(mu_)
  int created_ = 0;           // GUARDED_BY(mu_): keys [0, created_) exist
};

}  // namespace coord::jepsen::harness
