#include "tests/raft/simulation/sim_state_machine.h"

#include <cstring>

#include "tests/raft/simulation/digest.h"

namespace coord::raft::sim {

namespace {

// Serialized form: a magic word, then little-endian u64s (index, term, rolling, commands,
// count of recent entries, then three per recent entry). Fixed layout: easy to check.
constexpr uint64_t kMagic = 0x53494d534d763031ULL;  // "SIMSMv01"

void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool GetU64(const std::string& in, size_t* pos, uint64_t* v) {
  if (*pos + 8 > in.size()) return false;
  uint64_t r = 0;
  for (int i = 0; i < 8; ++i) r |= static_cast<uint64_t>(static_cast<unsigned char>(in[*pos + i])) << (8 * i);
  *pos += 8;
  *v = r;
  return true;
}

}  // namespace

uint64_t SimStateMachine::Roll(uint64_t prev, uint64_t entry_digest) {
  return Combine(prev, entry_digest);
}

void SimStateMachine::Apply(const pb::Entry& e) {
  const uint64_t digest = EntryDigest(e.index(), e.term(), e.type(), e.data());
  applied_index_ = e.index();
  applied_term_ = e.term();
  rolling_ = Roll(rolling_, digest);
  if (e.type() == pb::ENTRY_NORMAL && !e.data().empty()) ++commands_;
  recent_.push_back(Recent{e.index(), e.term(), digest});
  if (recent_.size() > kRecent) recent_.pop_front();
}

std::string SimStateMachine::Serialize() const {
  std::string out;
  out.reserve(8 * (6 + 3 * recent_.size()));
  PutU64(&out, kMagic);
  PutU64(&out, applied_index_);
  PutU64(&out, applied_term_);
  PutU64(&out, rolling_);
  PutU64(&out, commands_);
  PutU64(&out, recent_.size());
  for (const Recent& r : recent_) {
    PutU64(&out, r.index);
    PutU64(&out, r.term);
    PutU64(&out, r.digest);
  }
  return out;
}

Result<SimStateMachine> SimStateMachine::Restore(const std::string& data) {
  SimStateMachine sm;
  size_t pos = 0;
  uint64_t magic = 0, count = 0;
  if (!GetU64(data, &pos, &magic) || magic != kMagic) {
    return Status::Corruption("snapshot data is not a SimStateMachine image");
  }
  if (!GetU64(data, &pos, &sm.applied_index_) || !GetU64(data, &pos, &sm.applied_term_) ||
      !GetU64(data, &pos, &sm.rolling_) || !GetU64(data, &pos, &sm.commands_) ||
      !GetU64(data, &pos, &count) || count > kRecent) {
    return Status::Corruption("truncated SimStateMachine header");
  }
  for (uint64_t i = 0; i < count; ++i) {
    Recent r;
    if (!GetU64(data, &pos, &r.index) || !GetU64(data, &pos, &r.term) ||
        !GetU64(data, &pos, &r.digest)) {
      return Status::Corruption("truncated SimStateMachine entry list");
    }
    sm.recent_.push_back(r);
  }
  if (pos != data.size()) return Status::Corruption("trailing bytes after SimStateMachine image");
  return sm;
}

}  // namespace coord::raft::sim
