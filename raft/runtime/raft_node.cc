#include "raft/runtime/raft_node.h"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "raft/invariant.h"
#include "raft/log.h"
#include "raft/runtime/string_snapshot.h"
#include "raft/runtime/thread_name.h"

namespace coord::raft {

namespace {

using Clock = std::chrono::steady_clock;

// Rebuilds a Status a leader-call handler returned on another node.
Status HandlerError(Status::Code code, const std::string& message) {
  switch (code) {
    case Status::Code::kInvalidArgument: return Status::InvalidArgument(message);
    case Status::Code::kBusy: return Status::Busy(message);
    case Status::Code::kCorruption: return Status::Corruption(message);
    case Status::Code::kIOError: return Status::IOError(message);
    case Status::Code::kTimeout: return Status::Timeout(message);
    default: return Status::ProposalDropped(message);
  }
}

}  // namespace

Result<std::unique_ptr<RaftNode>> RaftNode::Start(const RaftNodeOptions& options,
                                                  LeveldbStorage* storage,
                                                  StateMachine* state_machine,
                                                  MessageTransport* transport,
                                                  LeaderCallback on_leader_change) {
  // The state machine starts from the latest snapshot; the log after it is replayed through
  // the normal apply path.
  const pb::SnapshotMetadata& snap = storage->snapshot_metadata();
  if (snap.index() > 0) {
    Result<std::string> data = storage->ReadSnapshotData();
    if (!data.ok()) return data.status();
    StringSnapshotSource source(*data);
    if (Status s = state_machine->Restore(source); !s.ok()) {
      return Status::Corruption("cannot restore the state machine from snapshot " +
                                std::to_string(snap.index()) + ": " + s.ToString());
    }
  }
  std::unique_ptr<RaftNode> node(
      new RaftNode(options, storage, state_machine, transport, std::move(on_leader_change)));
  Config c;
  c.id = options.id;
  c.storage = storage;
  c.election_tick = options.election_ticks;
  c.heartbeat_tick = options.heartbeat_ticks;
  c.applied = snap.index();
  c.max_size_per_msg = options.max_size_per_msg;
  c.max_inflight_msgs = options.max_inflight_msgs;
  c.snapshot_chunk_size = options.snapshot_chunk_size;
  c.pre_vote = true;
  c.check_quorum = true;
  c.seed = options.seed != 0
               ? options.seed
               : static_cast<uint64_t>(Clock::now().time_since_epoch().count());
  auto raw = RawNode::Create(c);
  if (!raw.ok()) return raw.status();
  node->raw_ = std::move(*raw);
  node->apply_ = std::make_unique<ApplyWorker>(
      state_machine, &node->proposals_, snap.index(), snap.term(), snap.conf_state(),
      options.snapshot_every,
      [n = node.get()](std::unique_ptr<SnapshotWriter> w, uint64_t term, pb::ConfState cs) {
        n->OnSnapshotCaptured(std::move(w), term, std::move(cs));
      });
  node->peers_ = options.peers;
  node->RefreshStatus();
  node->ticker_.expires_after(options.tick);
  node->ticker_.async_wait([n = node.get()](const boost::system::error_code& ec) {
    if (!ec) n->OnTick();
  });
  node->raft_thread_ = std::thread([n = node.get()] {
    NameThisThread("raft");
    auto guard = boost::asio::make_work_guard(n->io_);
    n->io_.run();
  });
  // Process the bootstrap / recovery Ready right away (membership from the log).
  {
    std::lock_guard<std::mutex> lock(node->mu_);
    node->ScheduleDrain();
  }
  Log(LogLevel::kInfo, "raft_node_started", "id", options.id, "applied", snap.index(),
      "last_index", storage->LastIndex());
  return node;
}

RaftNode::RaftNode(const RaftNodeOptions& options, LeveldbStorage* storage,
                   StateMachine* state_machine, MessageTransport* transport,
                   LeaderCallback on_leader_change)
    : options_(options),
      storage_(storage),
      state_machine_(state_machine),
      transport_(transport),
      on_leader_change_(std::move(on_leader_change)),
      ticker_(io_) {}

RaftNode::~RaftNode() { Stop(); }

void RaftNode::ScheduleDrain() {
  if (drain_scheduled_ || stopped_) return;
  drain_scheduled_ = true;
  boost::asio::post(io_, [this] { Drain(); });
}

void RaftNode::Step(pb::Message message) {
  std::lock_guard<std::mutex> lock(mu_);
  inbox_messages_.push_back(std::move(message));
  ScheduleDrain();
}

void RaftNode::Propose(std::string command, ProposalTracker::Callback done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopped_) {
      inbox_proposals_.push_back(PendingProposal{std::move(command), std::move(done)});
      ScheduleDrain();
      return;
    }
  }
  done(Status::Shutdown("node is stopping"));
}

void RaftNode::ProposeInTerm(std::string command, uint64_t term, ProposalTracker::Callback done) {
  if (term == 0) {
    done(Status::NotLeader(0));
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopped_) {
      inbox_proposals_.push_back(PendingProposal{std::move(command), std::move(done), term});
      ScheduleDrain();
      return;
    }
  }
  done(Status::Shutdown("node is stopping"));
}

void RaftNode::ReadBarrier(std::function<void(Status)> done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopped_) {
      inbox_reads_.push_back(std::move(done));
      ScheduleDrain();
      return;
    }
  }
  done(Status::Shutdown("node is stopping"));
}

void RaftNode::ChangeMembership(pb::ConfChangeType type, uint64_t node, const std::string& address,
                                std::function<void(Status)> done) {
  boost::asio::post(io_, [this, type, node, address, done = std::move(done)] {
    pb::ConfChange cc;
    cc.set_type(type);
    cc.set_node_id(node);
    cc.set_context(address);
    auto r = raw_->ProposeConfChange(cc);
    if (!r.ok()) {
      done(r.status());
      return;
    }
    proposals_.Add(r->index, r->term, Clock::now() + options_.propose_timeout,
                   [done](Result<std::string> res) { done(res.ok() ? Status::Ok() : res.status()); });
    ProcessReady();
  });
}

void RaftNode::TransferLeadership(uint64_t to, std::function<void(Status)> done) {
  boost::asio::post(io_, [this, to, done = std::move(done)] {
    Status s = raw_->TransferLeadership(to);
    ProcessReady();
    done(s);
  });
}

void RaftNode::Drain() {
  std::vector<pb::Message> messages;
  std::vector<PendingProposal> proposals;
  std::vector<std::function<void(Status)>> reads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    drain_scheduled_ = false;
    messages.swap(inbox_messages_);
    proposals.swap(inbox_proposals_);
    reads.swap(inbox_reads_);
  }
  for (const pb::Message& m : messages) {
    if (m.type() == pb::MSG_FORWARD_PROPOSAL) {
      HandleForwardedProposal(m);
    } else if (m.type() == pb::MSG_FORWARD_PROPOSAL_RESP) {
      HandleForwardResponse(m);
    } else if (m.type() == pb::MSG_LEADER_CALL) {
      HandleLeaderCall(m);
    } else if (m.type() == pb::MSG_LEADER_CALL_RESP) {
      HandleLeaderCallResponse(m);
    } else if (Status s = raw_->Step(m); !s.ok()) {
      Log(LogLevel::kWarn, "raft_message_refused", "from", m.from(), "error", s.ToString());
    }
  }
  if (!proposals.empty()) ProposeOrForward(std::move(proposals));
  if (!reads.empty()) {
    // One ReadIndex request (one heartbeat round) serves every read that arrived meanwhile.
    std::string context = std::to_string(next_read_context_++);
    Status s = raw_->ReadIndex(context);
    if (!s.ok()) {
      for (auto& done : reads) done(s);
    } else {
      reads_in_flight_[context] = PendingRead{std::move(reads), Clock::now() + options_.read_timeout};
    }
  }
  ProcessReady();
}

void RaftNode::DropStaleTermProposals(std::vector<PendingProposal>& proposals) {
  const bool leading = raw_->role() == Role::kLeader;
  const uint64_t term = raw_->term();
  auto stale = [&](const PendingProposal& p) {
    return p.only_in_term != 0 && !(leading && p.only_in_term == term);
  };
  for (PendingProposal& p : proposals) {
    if (stale(p)) p.done(Status::NotLeader(raw_->leader()));
  }
  proposals.erase(std::remove_if(proposals.begin(), proposals.end(), stale), proposals.end());
}

void RaftNode::ProposeOrForward(std::vector<PendingProposal> proposals) {
  DropStaleTermProposals(proposals);
  if (proposals.empty()) return;
  const auto deadline = Clock::now() + options_.propose_timeout;
  std::vector<std::string> commands;
  commands.reserve(proposals.size());
  for (PendingProposal& p : proposals) commands.push_back(std::move(p.command));
  if (raw_->role() != Role::kLeader) {
    const uint64_t leader = raw_->leader();
    if (leader == 0 || leader == options_.id) {
      for (PendingProposal& p : proposals) p.done(Status::ProposalDropped("no leader"));
      return;
    }
    // The leader appends them; we learn where and resolve them from our own apply.
    pb::Message m;
    m.set_type(pb::MSG_FORWARD_PROPOSAL);
    m.set_from(options_.id);
    m.set_to(leader);
    m.set_term(raw_->term());
    const std::string id = std::to_string(next_forward_id_++);
    m.set_context(id);
    for (std::string& c : commands) m.add_entries()->set_data(std::move(c));
    ForwardedBatch& batch = forwarded_[id];
    batch.deadline = deadline;
    for (PendingProposal& p : proposals) batch.callbacks.push_back(std::move(p.done));
    transport_->Send({std::move(m)});
    return;
  }
  auto first = raw_->ProposeBatch(std::move(commands));
  if (!first.ok()) {
    for (PendingProposal& p : proposals) p.done(first.status());
    return;
  }
  for (size_t k = 0; k < proposals.size(); ++k) {
    proposals_.Add(first->index + k, first->term, deadline, std::move(proposals[k].done));
  }
}

void RaftNode::HandleForwardedProposal(const pb::Message& m) {
  pb::Message resp;
  resp.set_type(pb::MSG_FORWARD_PROPOSAL_RESP);
  resp.set_from(options_.id);
  resp.set_to(m.from());
  resp.set_term(raw_->term());
  resp.set_context(m.context());
  std::vector<std::string> commands;
  commands.reserve(m.entries_size());
  for (const pb::Entry& e : m.entries()) commands.push_back(e.data());
  auto first = commands.empty() ? Result<ProposalId>(Status::InvalidArgument("empty"))
                                : raw_->ProposeBatch(std::move(commands));
  if (first.ok()) {
    resp.set_index(first->index);
    resp.set_log_term(first->term);
  } else {
    resp.set_reject(true);
  }
  // Sent before this drain's appends, on the same ordered peer link: the follower learns the
  // index before it can apply the entries.
  transport_->Send({std::move(resp)});
}

void RaftNode::HandleForwardResponse(const pb::Message& m) {
  auto it = forwarded_.find(m.context());
  if (it == forwarded_.end()) return;  // expired meanwhile
  ForwardedBatch batch = std::move(it->second);
  forwarded_.erase(it);
  if (m.reject()) {
    for (auto& done : batch.callbacks) {
      done(Status::ProposalDropped("the node we took for leader refused the write"));
    }
    return;
  }
  for (size_t k = 0; k < batch.callbacks.size(); ++k) {
    proposals_.Add(m.index() + k, m.log_term(), batch.deadline, std::move(batch.callbacks[k]));
  }
}

void RaftNode::SetLeaderCallHandler(LeaderCallHandler handler) {
  boost::asio::post(io_, [this, h = std::move(handler)]() mutable {
    leader_call_handler_ = std::move(h);
  });
}

void RaftNode::CallLeader(std::string payload, std::function<void(Result<std::string>)> done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) {
      done(Status::Shutdown("node is stopping"));
      return;
    }
  }
  boost::asio::post(io_, [this, payload = std::move(payload), done = std::move(done)]() mutable {
    if (raw_->role() == Role::kLeader) {
      if (!leader_call_handler_) {
        done(Status::ProposalDropped("no leader call handler"));
        return;
      }
      done(leader_call_handler_(payload));
      return;
    }
    const uint64_t leader = raw_->leader();
    if (leader == 0 || leader == options_.id) {
      done(Status::ProposalDropped("no leader"));
      return;
    }
    const std::string id = std::to_string(next_call_id_++);
    pb::Message m;
    m.set_type(pb::MSG_LEADER_CALL);
    m.set_from(options_.id);
    m.set_to(leader);
    m.set_term(raw_->term());
    m.set_context(id);
    m.add_entries()->set_data(std::move(payload));
    leader_calls_[id] = PendingCall{std::move(done), Clock::now() + options_.propose_timeout};
    transport_->Send({std::move(m)});
  });
}

void RaftNode::HandleLeaderCall(const pb::Message& m) {
  pb::Message resp;
  resp.set_type(pb::MSG_LEADER_CALL_RESP);
  resp.set_from(options_.id);
  resp.set_to(m.from());
  resp.set_term(raw_->term());
  resp.set_context(m.context());
  if (raw_->role() != Role::kLeader || !leader_call_handler_ || m.entries_size() != 1) {
    resp.set_reject(true);
  } else {
    Result<std::string> answer = leader_call_handler_(m.entries(0).data());
    if (answer.ok()) {
      resp.add_entries()->set_data(std::move(*answer));
    } else {
      // An error the handler chose: carried as text with the code in `index`.
      resp.set_index(static_cast<uint64_t>(answer.status().code()));
      resp.add_entries()->set_data(answer.status().message());
    }
  }
  transport_->Send({std::move(resp)});
}

void RaftNode::HandleLeaderCallResponse(const pb::Message& m) {
  auto it = leader_calls_.find(m.context());
  if (it == leader_calls_.end()) return;
  PendingCall call = std::move(it->second);
  leader_calls_.erase(it);
  if (m.reject() || m.entries_size() != 1) {
    call.done(Status::ProposalDropped("the node we took for leader is not the leader"));
  } else if (m.index() != 0) {
    call.done(HandlerError(static_cast<Status::Code>(m.index()), m.entries(0).data()));
  } else {
    call.done(m.entries(0).data());
  }
}

void RaftNode::ExpireLeaderCalls(Clock::time_point now) {
  for (auto it = leader_calls_.begin(); it != leader_calls_.end();) {
    if (it->second.deadline <= now) {
      it->second.done(Status::Timeout("the leader did not answer in time"));
      it = leader_calls_.erase(it);
    } else {
      ++it;
    }
  }
}

void RaftNode::ExpireForwards(Clock::time_point now) {
  for (auto it = forwarded_.begin(); it != forwarded_.end();) {
    if (it->second.deadline <= now) {
      for (auto& done : it->second.callbacks) {
        done(Status::Timeout("forwarded write got no answer; it may still apply"));
      }
      it = forwarded_.erase(it);
    } else {
      ++it;
    }
  }
}

void RaftNode::OnTick() {
  raw_->Tick();
  ProcessReady();
  const auto now = Clock::now();
  proposals_.ExpireDeadlines(now);
  ExpireReads(now);
  ExpireForwards(now);
  ExpireLeaderCalls(now);
  RefreshStatus();
  ticker_.expires_after(options_.tick);
  ticker_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) OnTick();
  });
}

void RaftNode::ProcessReady() {
  while (raw_->HasReady()) {
    Ready rd = raw_->GetReady();
    if (rd.soft_state) soft_state_ = *rd.soft_state;
    // A leader that lost and regained leadership between two Readys shows no soft-state
    // change, so leadership is tracked by (leader, term), not by the leader id alone.
    const uint64_t term = raw_->term();
    const bool leading = soft_state_.leader == options_.id;
    if (soft_state_.leader != reported_leader_ || (leading && term != reported_term_)) {
      reported_leader_ = soft_state_.leader;
      reported_term_ = term;
      Log(LogLevel::kInfo, "leader_changed", "node", options_.id, "leader", soft_state_.leader,
          "term", term);
      {
        // Read now, before anything else is appended: the leader's no-op is its last entry
        // (or proposals that followed it, which only makes waiting for it stricter).
        term_start_index_.store(leading ? raw_->GetStatus().last_index : 0,
                                std::memory_order_release);
        std::lock_guard<std::mutex> lock(mu_);
        ++status_.leader_changes;
      }
      if (on_leader_change_) on_leader_change_(soft_state_.leader, term);
    }
    if (!rd.messages.empty()) transport_->Send(std::move(rd.messages));
    const size_t applied_early = HandOverDurableCommitted(rd);
    if (rd.MustSync()) PersistReady(rd);
    if (!rd.messages_after_persist.empty()) transport_->Send(std::move(rd.messages_after_persist));
    for (ReadState& rs : rd.read_states) {
      auto it = reads_in_flight_.find(rs.context);
      if (it == reads_in_flight_.end()) continue;  // expired meanwhile
      auto waiters = std::make_shared<std::vector<std::function<void(Status)>>>(
          std::move(it->second.waiters));
      reads_in_flight_.erase(it);
      apply_->WhenApplied(rs.index, [waiters] {
        for (auto& done : *waiters) done(Status::Ok());
      });
    }
    raw_->Advance(rd);
    HandleCommittedConfChanges(rd.committed_entries);
    rd.committed_entries.erase(rd.committed_entries.begin(),
                               rd.committed_entries.begin() + static_cast<ptrdiff_t>(applied_early));
    if (rd.snapshot || !rd.committed_entries.empty()) {
      apply_->Enqueue(ApplyWorker::Batch{std::move(rd.snapshot), std::move(rd.committed_entries)});
    }
  }
}

// Committed entries this replica already has on disk go to the apply thread before this
// Ready's own write is synced: they are on a quorum's disks (committed) and on this one, so
// nothing waits for an unrelated fsync. On the leader that is every committed entry (the
// acks that committed them were read after its own append was synced), which takes one fsync
// off the path of every answer. Entries that arrive and commit in the same Ready (a follower
// catching up, or replacing an uncommitted suffix) are applied after the write, as is
// everything behind a snapshot.
size_t RaftNode::HandOverDurableCommitted(const Ready& rd) {
  if (rd.snapshot || rd.committed_entries.empty()) return 0;
  const uint64_t durable_last = storage_->LastIndex();
  // Same index and term means the same entry (Raft's log matching), so an entry this Ready
  // replaces (a follower's uncommitted suffix) does not count as durable.
  const auto first_not_durable = std::find_if(
      rd.committed_entries.begin(), rd.committed_entries.end(), [&](const pb::Entry& e) {
        if (e.index() > durable_last) return true;
        Result<uint64_t> stored_term = storage_->Term(e.index());
        return !stored_term.ok() || *stored_term != e.term();
      });
  const auto count = static_cast<size_t>(first_not_durable - rd.committed_entries.begin());
  if (count > 0) {
    // A copy: Advance still needs the whole list (it applies conf changes to the core).
    apply_->Enqueue(ApplyWorker::Batch{
        std::nullopt, std::vector<pb::Entry>(rd.committed_entries.begin(), first_not_durable)});
  }
  return count;
}

// A Ready whose only durable change is a higher commit index costs no fsync of its own: the
// commit index need not be durable (Raft recovers it from a quorum's logs; a restarted node
// learns it from the leader, and a lone node recommits its own log in its next term), while
// term and vote must be, and entries are. Without this, every commit would cost the leader a
// second fsync on the path to the client's answer (the Ready that applies the entry carries
// the new commit index). The deferred hard state is written with the next synced write.
void RaftNode::PersistReady(const Ready& rd) {
  const pb::HardState& durable = storage_->hard_state();
  const bool commit_only = !rd.snapshot && rd.entries.empty() && rd.hard_state &&
                           rd.hard_state->term() == durable.term() &&
                           rd.hard_state->vote() == durable.vote();
  if (commit_only) {
    deferred_commit_ = rd.hard_state;
    return;
  }
  std::optional<pb::HardState> hard_state = rd.hard_state;
  if (!hard_state && !rd.snapshot) hard_state = deferred_commit_;  // same term and vote
  deferred_commit_.reset();
  Status s = storage_->Persist(rd.snapshot, rd.entries, hard_state);
  // Continuing after a failed durable write could acknowledge what is not on disk.
  COORD_INVARIANT(s.ok(), "raft-state-persists", s.ToString());
}

void RaftNode::HandleCommittedConfChanges(const std::vector<pb::Entry>& committed) {
  for (const pb::Entry& e : committed) {
    if (e.type() != pb::ENTRY_CONF_CHANGE) continue;
    pb::ConfChange cc;
    if (!cc.ParseFromString(e.data()) || cc.node_id() == options_.id) continue;
    if (cc.type() == pb::REMOVE_NODE) {
      peers_.erase(cc.node_id());
      transport_->RemovePeer(cc.node_id());
    } else if (!cc.context().empty()) {
      peers_[cc.node_id()] = cc.context();
      transport_->AddPeer(cc.node_id(), cc.context());
    }
  }
}

void RaftNode::OnSnapshotCaptured(std::unique_ptr<SnapshotWriter> writer, uint64_t term,
                                  pb::ConfState conf) {
  // Runs on the apply thread. Serializing and writing the file happen on the snapshot thread,
  // so apply and the Raft loop continue meanwhile; only recording it is on the Raft thread.
  if (snapshot_thread_.joinable()) snapshot_thread_.join();
  snapshot_thread_ = std::thread([this, w = std::move(writer), term, conf = std::move(conf)] {
    NameThisThread("snapshot");
    const auto start = Clock::now();
    // Streamed into the file: the image is never whole in memory.
    Result<LeveldbStorage::PreparedSnapshot> prepared = storage_->PrepareSnapshot(
        w->index(), term, conf, [&w](SnapshotSink& sink) { return w->WriteTo(sink); });
    if (!prepared.ok()) {
      Log(LogLevel::kError, "snapshot_failed", "index", w->index(), "error",
          prepared.status().ToString());
      apply_->SnapshotDone();
      return;
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const uint64_t bytes = prepared->file.size();
    boost::asio::post(io_, [this, p = std::move(*prepared), bytes, seconds]() mutable {
      RecordSnapshot(std::move(p), bytes, seconds);
    });
  });
}

void RaftNode::RecordSnapshot(LeveldbStorage::PreparedSnapshot prepared, uint64_t bytes,
                              double seconds) {
  const uint64_t index = prepared.metadata.index();
  auto meta = storage_->CommitSnapshot(std::move(prepared));
  if (!meta.ok()) {
    // Normal when a newer snapshot was installed from the leader meanwhile.
    Log(LogLevel::kInfo, "snapshot_not_recorded", "index", index, "error",
        meta.status().ToString());
  } else if (index > options_.snapshot_catchup_entries) {
    const uint64_t compact_to = index - options_.snapshot_catchup_entries;
    if (compact_to >= storage_->FirstIndex()) {
      Status s = storage_->Compact(compact_to);
      if (!s.ok()) Log(LogLevel::kError, "compaction_failed", "error", s.ToString());
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++status_.snapshots_taken;
    status_.last_snapshot_bytes = bytes;
    status_.last_snapshot_seconds = seconds;
  }
  Log(LogLevel::kInfo, "snapshot_taken", "index", index, "bytes", bytes, "seconds", seconds);
  apply_->SnapshotDone();
}

void RaftNode::ExpireReads(Clock::time_point now) {
  for (auto it = reads_in_flight_.begin(); it != reads_in_flight_.end();) {
    if (it->second.deadline <= now) {
      for (auto& done : it->second.waiters) done(Status::Timeout("read index not confirmed in time"));
      it = reads_in_flight_.erase(it);
    } else {
      ++it;
    }
  }
}

void RaftNode::RefreshStatus() {
  StatusView v = raw_->GetStatus();
  std::lock_guard<std::mutex> lock(mu_);
  status_.id = v.id;
  status_.term = v.term;
  status_.leader = v.leader;
  status_.role = v.role;
  status_.commit = v.commit;
  status_.last_index = v.last_index;
  status_.conf_state = v.conf_state;
  status_.progress = v.progress;
  status_.peers = peers_;
}

NodeStatus RaftNode::status() const {
  NodeStatus s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s = status_;
  }
  s.applied = apply_ ? apply_->applied() : 0;
  s.snapshots_installed = apply_ ? apply_->snapshots_installed() : 0;
  s.proposals_pending = proposals_.size();
  s.term_start_index = term_start_index();
  return s;
}

void RaftNode::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  boost::asio::post(io_, [this] {
    ticker_.cancel();
    for (auto& [ctx, pending] : reads_in_flight_) {
      for (auto& done : pending.waiters) done(Status::Shutdown("node is stopping"));
    }
    reads_in_flight_.clear();
    for (auto& [id, batch] : forwarded_) {
      for (auto& done : batch.callbacks) done(Status::Shutdown("node is stopping"));
    }
    forwarded_.clear();
    for (auto& [id, call] : leader_calls_) call.done(Status::Shutdown("node is stopping"));
    leader_calls_.clear();
    io_.stop();
  });
  if (raft_thread_.joinable()) raft_thread_.join();
  if (apply_) apply_->Stop();
  if (snapshot_thread_.joinable()) snapshot_thread_.join();
  // Whatever was still queued never reached the log.
  std::vector<PendingProposal> queued;
  std::vector<std::function<void(Status)>> reads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queued.swap(inbox_proposals_);
    reads.swap(inbox_reads_);
  }
  for (auto& p : queued) p.done(Status::ProposalDropped("node stopped before proposing"));
  for (auto& done : reads) done(Status::Shutdown("node is stopping"));
  proposals_.FailAll(Status::Shutdown("node stopped; the write may or may not have applied"));
  Log(LogLevel::kInfo, "raft_node_stopped", "id", options_.id);
}

}  // namespace coord::raft
