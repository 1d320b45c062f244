#include "tests/raft/simulation/invariants.h"

#include <algorithm>
#include <string>

#include "tests/raft/simulation/digest.h"

namespace coord::raft::sim {

namespace {

std::string S(uint64_t v) { return std::to_string(v); }

}  // namespace

SafetyChecker::AppliedRecord& SafetyChecker::AppliedSlot(uint64_t index) {
  if (applied_.size() <= index) applied_.resize(index + 1);
  return applied_[index];
}

const SafetyChecker::AppliedRecord* SafetyChecker::Applied(uint64_t index) const {
  if (index >= applied_.size()) return nullptr;
  const AppliedRecord& r = applied_[index];
  return r.entry_known || r.rolling_known ? &r : nullptr;
}

// ---------------------------------------------------------------------------------------------
// Messages

void SafetyChecker::OnSend(const pb::Message& m) {
  if (m.type() == pb::MSG_VOTE_RESP && !m.reject()) {
    RecordVote(m.from(), m.term(), m.to(), "granted vote message");
  }
  if (m.type() == pb::MSG_APPEND && m.entries_size() > 0) {
    uint64_t prev = m.log_term();
    for (const pb::Entry& e : m.entries()) {
      RecordLogEntry(m.from(), e.index(), e.term(), EntryDigest(e.index(), e.term(), e.type(), e.data()),
                     prev, "append message");
      prev = e.term();
    }
  }
}

void SafetyChecker::RecordVote(uint64_t voter, uint64_t term, uint64_t candidate,
                               const char* how) {
  auto [it, inserted] = votes_.try_emplace({voter, term}, candidate);
  if (!inserted && it->second != candidate) {
    verdict_->Fail("vote-once-per-term", "node " + S(voter) + " voted for " + S(it->second) +
                                             " and then for " + S(candidate) + " in term " +
                                             S(term) + " (seen in " + how + ")");
  }
}

// ---------------------------------------------------------------------------------------------
// Log matching

void SafetyChecker::RecordLogEntry(uint64_t node, uint64_t index, uint64_t term, uint64_t digest,
                                   std::optional<uint64_t> prev_term, const char* where) {
  auto [it, inserted] = log_.try_emplace({index, term}, LogRecord{digest, prev_term});
  if (inserted) return;
  LogRecord& rec = it->second;
  if (rec.digest != digest) {
    verdict_->Fail("log-matching", "two different entries at index " + S(index) + " term " +
                                       S(term) + " (node " + S(node) + ", " + where + ")");
    return;
  }
  if (prev_term && rec.prev_term && *prev_term != *rec.prev_term) {
    verdict_->Fail("log-matching", "entry " + S(index) + "/" + S(term) +
                                       " follows term " + S(*prev_term) + " on node " + S(node) +
                                       " (" + where + ") but term " + S(*rec.prev_term) +
                                       " elsewhere: the logs differ before a matching entry");
    return;
  }
  if (!rec.prev_term) rec.prev_term = prev_term;
}

// ---------------------------------------------------------------------------------------------
// Ready

void SafetyChecker::OnReady(const SimNode& node, const ReadyResult& r) {
  const uint64_t id = node.id();
  const MemoryStorage& storage = node.storage();
  if (!r.persisted_entries.empty()) {
    std::optional<uint64_t> prev;
    Result<uint64_t> t = storage.Term(r.persisted_entries.front().index() - 1);
    if (t.ok()) prev = *t;
    for (const pb::Entry& e : r.persisted_entries) {
      RecordLogEntry(id, e.index(), e.term(), EntryDigest(e.index(), e.term(), e.type(), e.data()),
                     prev, "persisted entries");
      prev = e.term();
    }
  }
  if (r.persisted_hard_state) CheckHardState(node, *r.persisted_hard_state);
  if (!node.up()) return;  // crashed part-way: nothing was applied
  const uint64_t term_now = node.raw().term();
  if (r.installed_snapshot) {
    RecordRolling(id, r.installed_snapshot->first, r.installed_snapshot->second,
                  "snapshot install");
    if (r.persisted_snapshot) {
      RecordCommitted(id, r.persisted_snapshot->index(), r.persisted_snapshot->term(), term_now,
                      "installed snapshot");
    }
  }
  for (const AppliedEntry& e : r.applied) {
    RecordApplied(id, e);
    RecordCommitted(id, e.index, e.term, term_now, "applied");
  }
}

void SafetyChecker::CheckHardState(const SimNode& node, const pb::HardState& hs) {
  const uint64_t id = node.id();
  auto it = hard_states_.find(id);
  if (it != hard_states_.end()) {
    const pb::HardState& prev = it->second;
    if (hs.term() < prev.term()) {
      verdict_->Fail("hard-state-monotonic", "node " + S(id) + " persisted term " + S(hs.term()) +
                                                 " after term " + S(prev.term()));
    } else if (hs.term() == prev.term() && prev.vote() != 0 && hs.vote() != prev.vote()) {
      verdict_->Fail("vote-once-per-term", "node " + S(id) + " persisted vote " + S(hs.vote()) +
                                               " after vote " + S(prev.vote()) + " in term " +
                                               S(hs.term()));
    }
    if (hs.commit() < prev.commit()) {
      verdict_->Fail("hard-state-monotonic", "node " + S(id) + " persisted commit " +
                                                 S(hs.commit()) + " after " + S(prev.commit()));
    }
  }
  hard_states_[id] = hs;
  if (hs.vote() != 0) RecordVote(id, hs.term(), hs.vote(), "persisted hard state");

  // Everything up to the persisted commit index is committed, as the node's log holds it.
  uint64_t& checked = commit_checked_[id];
  const MemoryStorage& storage = node.storage();
  for (uint64_t i = std::max(checked + 1, storage.FirstIndex() - 1); i <= hs.commit(); ++i) {
    Result<uint64_t> t = storage.Term(i);
    if (!t.ok()) {
      if (t.status().code() == Status::Code::kCompacted) continue;
      verdict_->Fail("commit-within-stored-log",
                     "node " + S(id) + " persisted commit " + S(hs.commit()) +
                         " but its stored log ends at " + S(storage.LastIndex()));
      break;
    }
    if (i == 0) continue;
    RecordCommitted(id, i, *t, hs.term(), "persisted commit index");
  }
  checked = std::max(checked, hs.commit());
}

void SafetyChecker::RecordCommitted(uint64_t node, uint64_t index, uint64_t term,
                                    uint64_t observed_in_term, const char* how) {
  if (index == 0) return;
  if (committed_.size() <= index) committed_.resize(index + 1);
  CommittedRecord& rec = committed_[index];
  if (rec.term == 0) {
    rec.term = term;
    rec.commit_term_ub = observed_in_term;
  } else if (rec.term != term) {
    verdict_->Fail("committed-entry-unique",
                   "index " + S(index) + " committed with term " + S(rec.term) +
                       " earlier, but node " + S(node) + " has term " + S(term) +
                       " there committed (" + how + ")");
    return;
  } else {
    rec.commit_term_ub = std::min(rec.commit_term_ub, observed_in_term);
  }
  max_committed_ = std::max(max_committed_, index);
}

// ---------------------------------------------------------------------------------------------
// State machine safety

void SafetyChecker::RecordApplied(uint64_t node, const AppliedEntry& e) {
  AppliedRecord& slot = AppliedSlot(e.index);
  if (slot.entry_known && (slot.term != e.term || slot.digest != e.digest)) {
    verdict_->Fail("state-machine-safety", "node " + S(node) + " applied term " + S(e.term) +
                                               " at index " + S(e.index) +
                                               " where term " + S(slot.term) +
                                               " (another entry) was applied before");
    return;
  }
  slot.term = e.term;
  slot.digest = e.digest;
  slot.entry_known = true;
  RecordRolling(node, e.index, e.rolling, "apply");
  if (e.type == pb::ENTRY_NORMAL && !e.data.empty()) {
    auto [it, inserted] = command_index_.try_emplace(DigestBytes(e.data), e.index);
    if (!inserted && it->second != e.index) {
      verdict_->Fail("no-duplicate-apply", "command '" + e.data + "' applied at index " +
                                               S(it->second) + " and again at " + S(e.index) +
                                               " (node " + S(node) + ")");
    }
  }
}

void SafetyChecker::RecordRolling(uint64_t node, uint64_t index, uint64_t rolling,
                                  const char* how) {
  AppliedRecord& slot = AppliedSlot(index);
  if (slot.rolling_known && slot.rolling != rolling) {
    verdict_->Fail("state-machine-safety",
                   "node " + S(node) + " reached index " + S(index) + " (" + how +
                       ") with a different applied history than another node had there");
    return;
  }
  slot.rolling = rolling;
  slot.rolling_known = true;
}

// ---------------------------------------------------------------------------------------------
// Leaders

void SafetyChecker::AfterEvent(const NodeMap& nodes) {
  for (const auto& [id, node] : nodes) {
    if (!node->up() || node->raw().role() != Role::kLeader) continue;
    const uint64_t term = node->raw().term();
    uint64_t& seen = seen_leading_[id];
    if (seen == term) continue;  // already checked as leader of this term
    seen = term;
    auto [it, inserted] = leaders_.try_emplace(term, id);
    if (!inserted && it->second != id) {
      verdict_->Fail("election-safety", "nodes " + S(it->second) + " and " + S(id) +
                                            " were both leader in term " + S(term));
      return;
    }
    CheckLeaderCompleteness(*node, term);
  }
}

void SafetyChecker::CheckLeaderCompleteness(const SimNode& leader, uint64_t term) {
  // After every event the leader's Readies are processed, so its storage is its whole log.
  const MemoryStorage& s = leader.storage();
  const uint64_t snap = s.FirstIndex() - 1;
  const uint64_t last = s.LastIndex();
  for (uint64_t i = std::max<uint64_t>(snap, 1); i <= max_committed_ && i < committed_.size(); ++i) {
    const CommittedRecord& c = committed_[i];
    if (c.term == 0 || c.commit_term_ub >= term) continue;
    Result<uint64_t> t = s.Term(i);
    if (i > last || !t.ok() || *t != c.term) {
      verdict_->Fail("leader-completeness",
                     "node " + S(leader.id()) + " became leader of term " + S(term) +
                         " without entry " + S(i) + "/" + S(c.term) + ", committed by term " +
                         S(c.commit_term_ub) + " (its log: " + S(snap + 1) + ".." + S(last) +
                         (i <= last && t.ok() ? ", term there " + S(*t) : std::string()) + ")");
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Direct comparison of stored logs

void SafetyChecker::CheckStoredLogs(const NodeMap& nodes) {
  for (auto a = nodes.begin(); a != nodes.end(); ++a) {
    for (auto b = std::next(a); b != nodes.end(); ++b) {
      CheckPair(*a->second, *b->second);
      if (verdict_->failed()) return;
    }
  }
}

void SafetyChecker::CheckPair(const SimNode& a, const SimNode& b) {
  const MemoryStorage& sa = a.storage();
  const MemoryStorage& sb = b.storage();
  const uint64_t lo = std::max(sa.FirstIndex(), sb.FirstIndex());
  const uint64_t hi = std::min(sa.LastIndex(), sb.LastIndex());
  if (lo > hi) return;
  // The highest index where both logs hold an entry of the same term: log matching says the
  // logs must be identical from lo up to it.
  uint64_t match = 0;
  for (uint64_t i = hi; i >= lo; --i) {
    if (*sa.Term(i) == *sb.Term(i)) {
      match = i;
      break;
    }
    if (i == lo) break;
  }
  if (match == 0) return;
  Result<std::vector<pb::Entry>> ea = sa.Entries(lo, match + 1, UINT64_MAX);
  Result<std::vector<pb::Entry>> eb = sb.Entries(lo, match + 1, UINT64_MAX);
  if (!ea.ok() || !eb.ok() || ea->size() != eb->size()) {
    verdict_->Fail("log-matching", "cannot read stored logs of nodes " + S(a.id()) + " and " +
                                       S(b.id()) + " in " + S(lo) + ".." + S(match));
    return;
  }
  for (size_t k = 0; k < ea->size(); ++k) {
    const pb::Entry& x = (*ea)[k];
    const pb::Entry& y = (*eb)[k];
    if (x.term() != y.term() || x.type() != y.type() || x.data() != y.data()) {
      verdict_->Fail("log-matching",
                     "stored logs of nodes " + S(a.id()) + " and " + S(b.id()) +
                         " both hold term " + S(*sa.Term(match)) + " at index " + S(match) +
                         " but differ at index " + S(x.index()) + " (terms " + S(x.term()) +
                         " vs " + S(y.term()) + ")");
      return;
    }
  }
}

}  // namespace coord::raft::sim
