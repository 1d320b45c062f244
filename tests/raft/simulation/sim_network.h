// SimNetwork: the simulated network between replicas.
//
// Every message is handed to Send() with the current step; the network may drop it, duplicate
// it, or delay it (deliver it k steps later). NextDue() hands out one message whose time has
// come: the oldest one, or (with reordering on) one of the first few due ones at random.
// Partitions are a set of blocked directed links, checked at delivery, so a message already in
// flight when a partition starts is lost like it would be on a real cut.
//
// All randomness comes from the run's Rng, so a run replays exactly from its seed.
// Thread-safety: none; owned by one simulation run.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "raft/raft.pb.h"
#include "raft/rng.h"
#include "tests/raft/simulation/trace.h"

namespace coord::raft::sim {

// Message faults, as probabilities in parts per 10,000 per message.
struct MessageFaults {
  uint32_t drop = 0;
  uint32_t duplicate = 0;
  uint32_t delay = 0;
  uint32_t max_delay_steps = 0;  // a delayed message arrives 1..max_delay_steps steps late
  bool reorder = false;          // deliver any of the first few due messages, not the oldest
};

class SimNetwork {
 public:
  SimNetwork(Rng* rng, Trace* trace) : rng_(rng), trace_(trace) {}

  void set_faults(const MessageFaults& faults) { faults_ = faults; }
  const MessageFaults& faults() const { return faults_; }

  // Accepts a message sent at step `now`.
  void Send(pb::Message&& m, uint64_t now);

  using MessagePtr = std::unique_ptr<pb::Message>;

  // Removes and returns a message due at `now` whose link is open; messages on blocked links
  // are dropped (and traced) on the way. nullptr when nothing is due.
  MessagePtr NextDue(uint64_t now);
  bool HasDue(uint64_t now) const;
  size_t in_flight() const { return queue_.size(); }
  // The step at which the next message becomes due (0 when nothing is in flight).
  uint64_t NextDueStep() const { return queue_.empty() ? 0 : queue_.begin()->first; }

  // Loses every message `from` sent that is still in flight (its send buffers died with it).
  // Returns how many were lost.
  size_t DropFrom(uint64_t from);

  // Partitions: links are directed; a node not mentioned is connected to everyone.
  void Block(uint64_t from, uint64_t to) { blocked_.emplace(from, to); }
  void BlockBoth(uint64_t a, uint64_t b) {
    Block(a, b);
    Block(b, a);
  }
  void HealPartitions() { blocked_.clear(); }
  bool Connected(uint64_t from, uint64_t to) const { return !blocked_.count({from, to}); }
  bool partitioned() const { return !blocked_.empty(); }

 private:
  void Enqueue(MessagePtr m, uint64_t at);

  Rng* rng_;
  Trace* trace_;
  MessageFaults faults_;
  uint64_t seq_ = 0;
  // Keyed by the step the message becomes deliverable; equal keys keep send order. Held by
  // pointer: protobuf messages are expensive to move.
  std::multimap<uint64_t, MessagePtr> queue_;
  std::set<std::pair<uint64_t, uint64_t>> blocked_;
};

}  // namespace coord::raft::sim
