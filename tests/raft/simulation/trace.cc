#include "tests/raft/simulation/trace.h"

#include <cstdio>

namespace coord::raft::sim {

const char* MessageTypeName(pb::MessageType type) {
  // The generated name ("MSG_APPEND_RESP") without its prefix; new message types need no
  // change here.
  const std::string& name = pb::MessageType_Name(type);
  if (name.empty()) return "Unknown";
  return name.c_str() + (name.rfind("MSG_", 0) == 0 ? 4 : 0);
}

Trace::Trace(size_t capacity, bool echo) : ring_(capacity == 0 ? 1 : capacity), echo_(echo) {}

TraceEvent& Trace::Slot() {
  TraceEvent& e = ring_[next_];
  next_ = (next_ + 1) % ring_.size();
  ++total_;
  e.step = step_;
  return e;
}

void Trace::Record(EventKind kind, uint64_t node, uint64_t a, uint64_t b, std::string text) {
  TraceEvent& e = Slot();
  e.kind = kind;
  e.node = node;
  e.a = a;
  e.b = b;
  e.msg_type = pb::MSG_UNKNOWN;
  e.text = std::move(text);
  if (echo_) Emit(e);
}

void Trace::RecordMessage(EventKind kind, const pb::Message& m, std::string text) {
  TraceEvent& e = Slot();
  e.kind = kind;
  e.node = kind == EventKind::kDeliver ? m.to() : m.from();
  e.msg_type = m.type();
  e.from = m.from();
  e.to = m.to();
  e.term = m.term();
  e.index = m.type() == pb::MSG_SNAPSHOT ? m.snapshot().metadata().index() : m.index();
  e.log_term = m.type() == pb::MSG_SNAPSHOT ? m.snapshot().offset() : m.log_term();
  e.commit = m.commit();
  e.entries = static_cast<uint32_t>(m.entries_size());
  e.reject = m.reject();
  e.a = m.type() == pb::MSG_READ_INDEX_RESP || m.type() == pb::MSG_HEARTBEAT ||
                m.type() == pb::MSG_HEARTBEAT_RESP
            ? m.read_round()
            : 0;
  e.b = 0;
  e.text = std::move(text);
  if (echo_) Emit(e);
}

void Trace::Emit(const TraceEvent& e) {
  std::string line = Format(e);
  std::fprintf(stderr, "%s\n", line.c_str());
}

namespace {

const char* KindName(EventKind k) {
  switch (k) {
    case EventKind::kNote: return "note";
    case EventKind::kTick: return "tick";
    case EventKind::kSend: return "send";
    case EventKind::kDeliver: return "deliver";
    case EventKind::kDrop: return "drop";
    case EventKind::kDuplicate: return "dup";
    case EventKind::kDelay: return "delay";
    case EventKind::kCrash: return "CRASH";
    case EventKind::kRestart: return "RESTART";
    case EventKind::kStart: return "START";
    case EventKind::kDecommission: return "DECOMMISSION";
    case EventKind::kPartition: return "PARTITION";
    case EventKind::kHeal: return "HEAL";
    case EventKind::kRole: return "role";
    case EventKind::kCommit: return "commit";
    case EventKind::kSnapshot: return "install-snapshot";
    case EventKind::kLocalSnapshot: return "local-snapshot";
    case EventKind::kPropose: return "propose";
    case EventKind::kProposeFail: return "propose-refused";
    case EventKind::kAck: return "ACK";
    case EventKind::kDropped: return "proposal-dropped";
    case EventKind::kReadIssue: return "read-issue";
    case EventKind::kReadState: return "read-state";
    case EventKind::kReadServed: return "read-served";
    case EventKind::kConfChange: return "CONF-CHANGE";
    case EventKind::kConfApplied: return "conf-applied";
    case EventKind::kTransfer: return "TRANSFER";
    case EventKind::kViolation: return "VIOLATION";
  }
  return "?";
}

}  // namespace

std::string Trace::Format(const TraceEvent& e) {
  char buf[256];
  std::string out;
  std::snprintf(buf, sizeof(buf), "[%6llu] %-16s n%-2llu ", static_cast<unsigned long long>(e.step),
                KindName(e.kind), static_cast<unsigned long long>(e.node));
  out = buf;
  if (e.msg_type != pb::MSG_UNKNOWN) {
    std::snprintf(buf, sizeof(buf), "%s %llu->%llu t%llu idx=%llu lt=%llu c=%llu",
                  MessageTypeName(e.msg_type), static_cast<unsigned long long>(e.from),
                  static_cast<unsigned long long>(e.to), static_cast<unsigned long long>(e.term),
                  static_cast<unsigned long long>(e.index),
                  static_cast<unsigned long long>(e.log_term),
                  static_cast<unsigned long long>(e.commit));
    out += buf;
    if (e.entries > 0) out += " ents=" + std::to_string(e.entries);
    if (e.reject) out += " REJECT";
    if (e.a > 0) out += " round=" + std::to_string(e.a);
  } else if (e.a != 0 || e.b != 0) {
    std::snprintf(buf, sizeof(buf), "a=%llu b=%llu", static_cast<unsigned long long>(e.a),
                  static_cast<unsigned long long>(e.b));
    out += buf;
  }
  if (!e.text.empty()) {
    out += " ";
    out += e.text;
  }
  return out;
}

std::string Trace::Tail(size_t n) const {
  const size_t have = static_cast<size_t>(std::min<uint64_t>(total_, ring_.size()));
  if (n > have) n = have;
  std::string out;
  for (size_t k = 0; k < n; ++k) {
    const size_t pos = (next_ + ring_.size() - n + k) % ring_.size();
    out += Format(ring_[pos]);
    out += '\n';
  }
  return out;
}

}  // namespace coord::raft::sim
