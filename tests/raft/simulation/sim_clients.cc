#include "tests/raft/simulation/sim_clients.h"

namespace coord::raft::sim {

uint64_t SimClients::Target(size_t c) {
  const uint64_t guess = leader_guess_[c];
  if (guess != 0 && cluster_->IsUp(guess)) return guess;
  const std::vector<uint64_t> up = cluster_->UpNodes();
  if (up.empty()) return 0;
  return leader_guess_[c] = up[rng_->Uniform(up.size())];
}

void SimClients::Learn(size_t c, const Status& s) {
  if (s.code() == Status::Code::kNotLeader) leader_guess_[c] = s.leader_hint();
}

std::string SimClients::NextCommand() {
  // Varying sizes make max_size_per_msg split appends at different places.
  std::string cmd = "w" + std::to_string(next_write_++);
  cmd.append(rng_->Uniform(24), '.');
  return cmd;
}

void SimClients::Write() {
  const size_t c = rng_->Uniform(leader_guess_.size());
  const uint64_t target = Target(c);
  if (target == 0) return;
  if (rng_->Chance(spec_.rates.batch_pct, 100)) {
    std::vector<std::string> batch;
    const uint64_t n = 2 + rng_->Uniform(3);
    for (uint64_t i = 0; i < n; ++i) batch.push_back(NextCommand());
    Result<ProposalId> r = cluster_->ProposeBatch(target, std::move(batch));
    if (!r.ok()) Learn(c, r.status());
    return;
  }
  Result<ProposalId> r = cluster_->Propose(target, NextCommand());
  if (!r.ok()) Learn(c, r.status());
}

void SimClients::Read() {
  const size_t c = rng_->Uniform(leader_guess_.size());
  uint64_t target = Target(c);
  if (target == 0) return;
  if (rng_->Chance(1, 2)) {
    // Reads through followers exercise MSG_READ_INDEX forwarding.
    const std::vector<uint64_t> up = cluster_->UpNodes();
    target = up[rng_->Uniform(up.size())];
  }
  (void)cluster_->ReadIndex(target, "r" + std::to_string(next_read_++));
}

}  // namespace coord::raft::sim
