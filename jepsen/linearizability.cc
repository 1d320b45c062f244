#include "jepsen/linearizability.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace coord::jepsen {

namespace {

using Kind = RegisterOp::Kind;

// Register values are renumbered densely before the search. Every value nobody ever observes
// (no read returned it, no cas expected it) behaves the same way: reads never match it and cas
// never match it, and it differs from every observed value. So all of them become one value,
// kUnobserved, which lets the memo table merge configurations that differ only in which
// unobserved value was written last.
constexpr uint32_t kAbsent = 0;
constexpr uint32_t kUnobserved = 1;
constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

struct Prepared {
  Kind kind;
  uint32_t a;  // read: value read; write: value; cas / mismatch: expected
  uint32_t b;  // cas: new value
  bool indeterminate;
  int64_t call;
  int64_t ret;  // kForever when indeterminate
  size_t id;
  uint32_t det_rank = kNone;    // rank among determinate ops, in call order
  uint32_t info_class = kNone;  // indeterminate ops: id of its (kind, a, b) class
  uint32_t equiv_prev = kNone;  // previous indeterminate op of the same class
  uint32_t call_entry = kNone;
  uint32_t ret_entry = kNone;
  uint32_t killer = kNone;  // indeterminate cas: once this op is linearized it can never apply
};

// The memo of explored configurations: an open-addressing hash set of variable-length keys kept
// in one arena. A key is compared in full on a hash match, so a collision never prunes a
// configuration that was not explored (a false "invalid").
class ConfigCache {
 public:
  ConfigCache() : slots_(1024) {}

  // Inserts `key`; false if it was already present.
  bool Insert(uint64_t hash, const std::vector<uint32_t>& key) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.offset == 0) {
        s.hash = hash;
        s.offset = arena_.size() + 1;
        arena_.push_back(static_cast<uint32_t>(key.size()));
        arena_.insert(arena_.end(), key.begin(), key.end());
        ++size_;
        return true;
      }
      if (s.hash == hash && Equal(s.offset - 1, key)) return false;
    }
  }

  size_t size() const { return size_; }
  size_t memory_bytes() const {
    return arena_.capacity() * sizeof(uint32_t) + slots_.size() * sizeof(Slot);
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint64_t offset = 0;  // 1 + position of the key's length word in arena_; 0 = empty
  };

  bool Equal(uint64_t at, const std::vector<uint32_t>& key) const {
    if (arena_[at] != key.size()) return false;
    return std::equal(key.begin(), key.end(), arena_.begin() + static_cast<ptrdiff_t>(at) + 1);
  }

  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.offset == 0) continue;
      size_t i = s.hash & mask;
      while (slots_[i].offset != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::vector<uint32_t> arena_;
  size_t size_ = 0;
};

bool Produces(const RegisterOp& op) { return op.kind == Kind::kWrite || op.kind == Kind::kCas; }
std::optional<int64_t> Produced(const RegisterOp& op) {
  return op.kind == Kind::kWrite ? op.value : op.new_value;
}
// Determinate ops that need the register to hold `value` (a non-absent value) at some point.
bool Observes(const RegisterOp& op) {
  return !op.indeterminate && (op.kind == Kind::kRead || op.kind == Kind::kCas) && op.value;
}

// Ops that overlap `c` in time, and the latest writes before it: what a human needs to see to
// understand why `c` cannot be placed. Capped so a timeline stays readable.
std::vector<size_t> Involved(const std::vector<RegisterOp>& ops, size_t c) {
  const RegisterOp& cul = ops[c];
  auto ret_of = [](const RegisterOp& o) { return o.indeterminate ? kForever : o.ret; };
  size_t last_write = kNone, last_producer = kNone;
  for (size_t i = 0; i < ops.size(); ++i) {
    const RegisterOp& o = ops[i];
    if (i == c) continue;
    if (!o.indeterminate && Produces(o) && o.ret < cul.call &&
        (last_write == kNone || o.ret > ops[last_write].ret)) {
      last_write = i;
    }
    if (cul.value && Produces(o) && Produced(o) == cul.value && o.call <= ret_of(cul) &&
        (last_producer == kNone || o.call > ops[last_producer].call)) {
      last_producer = i;
    }
  }
  // Pending info ops overlap everything after their call; only recent ones are worth drawing.
  int64_t recent = cul.call;
  if (last_write != kNone) recent = std::min(recent, ops[last_write].call);
  std::vector<std::pair<int64_t, size_t>> overlapping;  // (distance in call time, index)
  for (size_t i = 0; i < ops.size(); ++i) {
    const RegisterOp& o = ops[i];
    if (i == c || o.call > ret_of(cul) || ret_of(o) < cul.call) continue;
    if (o.indeterminate && o.call < recent) continue;
    overlapping.push_back({std::abs(o.call - cul.call), i});
  }
  std::sort(overlapping.begin(), overlapping.end());
  if (overlapping.size() > 24) overlapping.resize(24);
  std::vector<size_t> picked = {c};
  for (auto& [d, i] : overlapping) picked.push_back(i);
  if (last_write != kNone) picked.push_back(last_write);
  if (last_producer != kNone) picked.push_back(last_producer);
  std::sort(picked.begin(), picked.end(), [&](size_t x, size_t y) {
    return ops[x].call != ops[y].call ? ops[x].call < ops[y].call : x < y;
  });
  picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
  std::vector<size_t> ids;
  for (size_t i : picked) ids.push_back(ops[i].id);
  return ids;
}

// A read (or cas) that observes a value no producer had even been called for by the time it
// returned can never be linearized; saying so directly is clearer and cheaper than letting the
// search exhaust every ordering to find out.
std::optional<size_t> FindObservationOfNothing(const std::vector<RegisterOp>& ops) {
  std::unordered_map<int64_t, std::vector<std::pair<int64_t, size_t>>> producers;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (Produces(ops[i]) && Produced(ops[i])) producers[*Produced(ops[i])].push_back({ops[i].call, i});
  }
  for (auto& [v, list] : producers) std::sort(list.begin(), list.end());
  for (size_t i = 0; i < ops.size(); ++i) {
    if (!Observes(ops[i])) continue;
    auto it = producers.find(*ops[i].value);
    bool found = false;
    if (it != producers.end()) {
      for (auto& [call, j] : it->second) {
        if (call > ops[i].ret) break;
        if (j != i) { found = true; break; }
      }
    }
    if (!found) return i;
  }
  return std::nullopt;
}

// If an indeterminate op is the only one that ever produces a value some determinate op
// observed, it certainly happened, and before that observer returned: it becomes determinate
// with that return time. This turns most `info` writes of read values into ordinary ops.
void PinUniqueProducers(std::vector<RegisterOp>& ops) {
  std::unordered_map<int64_t, std::pair<size_t, size_t>> producers;  // value -> (count, index)
  for (size_t i = 0; i < ops.size(); ++i) {
    if (!Produces(ops[i]) || !Produced(ops[i])) continue;
    auto& p = producers[*Produced(ops[i])];
    ++p.first;
    p.second = i;
  }
  std::unordered_map<size_t, int64_t> pin;  // producer index -> earliest observer return
  for (size_t i = 0; i < ops.size(); ++i) {
    if (!Observes(ops[i])) continue;
    auto it = producers.find(*ops[i].value);
    if (it == producers.end() || it->second.first != 1) continue;
    size_t p = it->second.second;
    if (p == i || !ops[p].indeterminate) continue;
    auto [pit, inserted] = pin.emplace(p, ops[i].ret);
    if (!inserted) pit->second = std::min(pit->second, ops[i].ret);
  }
  for (auto& [p, ret] : pin) {
    ops[p].indeterminate = false;
    ops[p].ret = std::max(ret, ops[p].call);
  }
}

// An indeterminate cas expecting e can apply only while the register holds e. When e has a
// single producer P (or e is "absent", produced by nobody), a determinate producer Q of another
// value called after P returned overwrites e for good: once Q is linearized the cas is dead, and
// the search stops walking past it. Sets Prepared::killer to the Q that must come first (least
// return time). `ops` are sorted by call.
void FindKillers(std::vector<Prepared>& ops) {
  std::unordered_map<uint32_t, std::vector<uint32_t>> producers;  // value -> ops producing it
  std::vector<uint32_t> det_producers;                            // sorted by call
  for (uint32_t i = 0; i < ops.size(); ++i) {
    const Prepared& o = ops[i];
    if (o.kind != Kind::kWrite && o.kind != Kind::kCas) continue;
    producers[o.kind == Kind::kWrite ? o.a : o.b].push_back(i);
    if (!o.indeterminate) det_producers.push_back(i);
  }
  // best_after[k]: the determinate producer with the least return among det_producers[k..].
  std::vector<uint32_t> best_after(det_producers.size() + 1, kNone);
  for (size_t k = det_producers.size(); k-- > 0;) {
    uint32_t i = det_producers[k], b = best_after[k + 1];
    best_after[k] = b == kNone || ops[i].ret < ops[b].ret ? i : b;
  }
  auto first_called_after = [&](int64_t t) {
    auto it = std::upper_bound(det_producers.begin(), det_producers.end(), t,
                               [&](int64_t v, uint32_t i) { return v < ops[i].call; });
    return best_after[static_cast<size_t>(it - det_producers.begin())];
  };
  for (Prepared& x : ops) {
    if (!x.indeterminate || x.kind != Kind::kCas || x.a == kUnobserved) continue;
    uint32_t killer = kNone;
    if (x.a == kAbsent) {
      killer = best_after[0];  // any determinate write ends "absent" for good
    } else {
      auto it = producers.find(x.a);
      if (it == producers.end() || it->second.size() != 1) continue;
      const Prepared& p = ops[it->second[0]];
      if (p.indeterminate) continue;
      killer = first_called_after(p.ret);
    }
    // The killer produces another value: e's producer is unique, and absent is never produced.
    x.killer = killer;
  }
}

// The search, as in Porcupine: a doubly linked list of call and return entries in time order;
// at each configuration the candidates are the calls before the first return entry, tried in
// time order; linearizing one lifts its entries out of the list and restarts from the head; a
// return entry reached means backtracking. (Trying determinate candidates before indeterminate
// ones was measured to be much slower: a mismatch explained by a concurrent timed-out cas is
// then only found after every order of the other concurrent ops has been exhausted.)
class Search {
 public:
  Search(std::vector<Prepared> ops, const Budget& budget) : ops_(std::move(ops)), budget_(budget) {}

  LinearizabilityResult Run();

  // After an invalid Run: the register values (dense ids) the search held when it was stuck at
  // the culprit's return, at most 8.
  const std::vector<uint32_t>& block_states() const { return block_states_; }

 private:
  struct Entry {
    uint32_t op;
    bool is_call;
    uint32_t prev, next;
  };
  struct Frame {
    uint32_t op;
    uint32_t prev_state;
    uint32_t prev_i0;
  };

  void Build();
  bool Step(const Prepared& op, uint32_t* next) const;
  void Apply(uint32_t op, uint32_t next_state, Frame* frame);
  void Undo(const Frame& frame);
  void Lift(uint32_t op);
  void Unlift(uint32_t op);
  void BuildKey();
  uint64_t Hash() const { return SplitMix64(set_hash_ ^ SplitMix64(state_)); }
  std::optional<std::string> BudgetExhausted(uint64_t steps) const;
  // Tries to linearize `op` now; true (and the op pushed and lifted) if that reaches a new
  // configuration.
  bool TryLinearize(uint32_t op);

  std::vector<Prepared> ops_;
  Budget budget_;
  // [1, n] the entries in time order, between the sentinels head_ (0) and tail_ (n + 1).
  std::vector<Entry> entries_;
  uint32_t head_ = 0, tail_ = 0;
  std::vector<uint64_t> zobrist_;
  std::vector<uint32_t> det_ops_;  // determinate op index by det_rank
  std::vector<std::vector<uint32_t>> kills_;  // op -> indeterminate ops it makes dead

  // The current partial linearization.
  uint32_t state_ = kAbsent;
  std::vector<bool> linearized_;
  uint64_t set_hash_ = 0;          // XOR of zobrist_ over linearized ops
  uint32_t i0_ = 0;                // lowest det_rank not linearized
  std::vector<uint32_t> ahead_;    // sorted det_ranks > i0_ that are linearized
  // Linearized indeterminate ops, by class: within a class they are always a prefix in call
  // order (see equiv_prev), so a count says which.
  std::vector<uint32_t> class_count_;
  std::vector<uint32_t> nonzero_classes_;  // sorted
  std::vector<Frame> stack_;
  std::vector<uint32_t> key_;  // scratch
  ConfigCache cache_;
  std::vector<uint32_t> block_states_;
};

void Search::Build() {
  struct Point {
    int64_t time;
    bool is_return;
    uint32_t op;
  };
  std::vector<Point> points;
  std::map<std::tuple<Kind, uint32_t, uint32_t>, std::pair<uint32_t, uint32_t>> classes;  // -> (id, last op)
  for (uint32_t i = 0; i < ops_.size(); ++i) {
    Prepared& p = ops_[i];
    points.push_back({p.call, false, i});
    if (p.indeterminate) {
      auto k = std::make_tuple(p.kind, p.a, p.b);
      auto it = classes.find(k);
      if (it == classes.end()) {
        it = classes.emplace(k, std::make_pair(static_cast<uint32_t>(classes.size()), kNone)).first;
      }
      p.info_class = it->second.first;
      p.equiv_prev = it->second.second;
      it->second.second = i;
    } else {
      p.det_rank = static_cast<uint32_t>(det_ops_.size());
      det_ops_.push_back(i);
      points.push_back({p.ret, true, i});
    }
  }
  // Calls before returns at equal times: touching operations count as concurrent, which can
  // only make the checker more lenient, never report a violation that is not there.
  std::stable_sort(points.begin(), points.end(), [](const Point& x, const Point& y) {
    if (x.time != y.time) return x.time < y.time;
    return !x.is_return && y.is_return;
  });
  uint32_t n = static_cast<uint32_t>(points.size());
  head_ = 0;
  tail_ = n + 1;
  entries_.resize(n + 2);
  entries_[head_] = {kNone, false, kNone, 1};
  entries_[tail_] = {kNone, false, n, kNone};
  for (uint32_t k = 0; k < n; ++k) {
    uint32_t e = k + 1;
    entries_[e] = {points[k].op, !points[k].is_return, e - 1, e + 1};
    if (points[k].is_return) ops_[points[k].op].ret_entry = e;
    else ops_[points[k].op].call_entry = e;
  }
  zobrist_.resize(ops_.size());
  for (size_t i = 0; i < ops_.size(); ++i) zobrist_[i] = SplitMix64(0x5eed0000ull + i);
  linearized_.assign(ops_.size(), false);
  class_count_.assign(classes.size(), 0);
  kills_.resize(ops_.size());
  for (uint32_t i = 0; i < ops_.size(); ++i) {
    if (ops_[i].killer != kNone) kills_[ops_[i].killer].push_back(i);
  }
}

bool Search::Step(const Prepared& op, uint32_t* next) const {
  switch (op.kind) {
    case Kind::kRead: *next = state_; return state_ == op.a;
    case Kind::kWrite: *next = op.a; return true;
    case Kind::kCas: *next = op.b; return state_ == op.a;
    case Kind::kCasMismatch: *next = state_; return state_ != op.a;
  }
  return false;
}

void Search::Apply(uint32_t op, uint32_t next_state, Frame* frame) {
  const Prepared& p = ops_[op];
  frame->op = op;
  frame->prev_state = state_;
  frame->prev_i0 = i0_;
  state_ = next_state;
  linearized_[op] = true;
  set_hash_ ^= zobrist_[op];
  if (p.indeterminate) {
    if (class_count_[p.info_class]++ == 0) {
      nonzero_classes_.insert(
          std::lower_bound(nonzero_classes_.begin(), nonzero_classes_.end(), p.info_class),
          p.info_class);
    }
  } else if (p.det_rank == i0_) {
    ++i0_;
    size_t consumed = 0;
    while (consumed < ahead_.size() && ahead_[consumed] == i0_) ++consumed, ++i0_;
    ahead_.erase(ahead_.begin(), ahead_.begin() + static_cast<ptrdiff_t>(consumed));
  } else {
    ahead_.insert(std::lower_bound(ahead_.begin(), ahead_.end(), p.det_rank), p.det_rank);
  }
}

void Search::Undo(const Frame& f) {
  const Prepared& p = ops_[f.op];
  state_ = f.prev_state;
  linearized_[f.op] = false;
  set_hash_ ^= zobrist_[f.op];
  if (p.indeterminate) {
    if (--class_count_[p.info_class] == 0) {
      nonzero_classes_.erase(
          std::lower_bound(nonzero_classes_.begin(), nonzero_classes_.end(), p.info_class));
    }
  } else if (p.det_rank == f.prev_i0) {
    // Applying it advanced i0_ over ranks prev_i0+1 .. i0_-1 that were waiting in ahead_.
    std::vector<uint32_t> back;
    for (uint32_t r = f.prev_i0 + 1; r < i0_; ++r) back.push_back(r);
    ahead_.insert(ahead_.begin(), back.begin(), back.end());
    i0_ = f.prev_i0;
  } else {
    ahead_.erase(std::lower_bound(ahead_.begin(), ahead_.end(), p.det_rank));
  }
}

// Removes an op's entries from their list; they keep their own links, so Unlift (in reverse
// order of Lifts) puts them back: dancing links.
// Lifting an op also lifts the calls it kills that are still pending; nothing changes between
// a Lift and its Unlift (LIFO), so Unlift finds the same ones.
void Search::Lift(uint32_t op) {
  auto remove = [&](uint32_t e) {
    entries_[entries_[e].prev].next = entries_[e].next;
    entries_[entries_[e].next].prev = entries_[e].prev;
  };
  const Prepared& p = ops_[op];
  remove(p.call_entry);
  if (p.ret_entry != kNone) remove(p.ret_entry);
  for (uint32_t x : kills_[op]) {
    if (!linearized_[x]) remove(ops_[x].call_entry);
  }
}

void Search::Unlift(uint32_t op) {
  auto restore = [&](uint32_t e) {
    entries_[entries_[e].prev].next = e;
    entries_[entries_[e].next].prev = e;
  };
  const Prepared& p = ops_[op];
  for (auto it = kills_[op].rbegin(); it != kills_[op].rend(); ++it) {
    if (!linearized_[*it]) restore(ops_[*it].call_entry);
  }
  if (p.ret_entry != kNone) restore(p.ret_entry);
  restore(p.call_entry);
}

// The configuration: register value plus the linearized set, written compactly as "every
// determinate op below i0, these above it, and this many of each class of indeterminate ops".
// Equivalent to the bitset Porcupine keys on, but its size follows the concurrency and the
// indeterminate ops that took effect, not the history length.
void Search::BuildKey() {
  key_.clear();
  key_.push_back(state_);
  key_.push_back(i0_);
  // ahead_ as a bitmask over (i0, max]: a long-running op keeps i0 back while many later ops
  // are linearized, and one bit each keeps those keys small.
  if (ahead_.empty()) {
    key_.push_back(0);
  } else {
    uint32_t words = (ahead_.back() - i0_ + 31) / 32;
    key_.push_back(words);
    size_t base = key_.size();
    key_.resize(base + words, 0);
    for (uint32_t r : ahead_) {
      uint32_t bit = r - i0_ - 1;
      key_[base + bit / 32] |= 1u << (bit % 32);
    }
  }
  for (uint32_t c : nonzero_classes_) {
    key_.push_back(c);
    key_.push_back(class_count_[c]);
  }
}

std::optional<std::string> Search::BudgetExhausted(uint64_t steps) const {
  if (budget_.max_steps && steps >= budget_.max_steps) {
    return "step budget exhausted after " + std::to_string(steps) + " steps";
  }
  if (budget_.max_memory_bytes && cache_.memory_bytes() > budget_.max_memory_bytes) {
    return "memory budget exhausted (" + std::to_string(cache_.memory_bytes() >> 20) + " MiB)";
  }
  if (budget_.deadline && std::chrono::steady_clock::now() >= *budget_.deadline) {
    return "time budget exhausted after " + std::to_string(steps) + " steps";
  }
  return std::nullopt;
}

bool Search::TryLinearize(uint32_t op) {
  const Prepared& p = ops_[op];
  // Of identical pending indeterminate ops only the earliest unlinearized one is tried.
  if (p.equiv_prev != kNone && !linearized_[p.equiv_prev]) return false;
  uint32_t next_state;
  if (!Step(p, &next_state)) return false;
  Frame frame;
  Apply(op, next_state, &frame);
  BuildKey();
  if (!cache_.Insert(Hash(), key_)) {
    Undo(frame);
    return false;
  }
  stack_.push_back(frame);
  Lift(op);
  return true;
}

LinearizabilityResult Search::Run() {
  Build();
  LinearizabilityResult result;
  uint32_t deepest_block = 0;  // the latest return entry a branch got stuck at
  uint64_t steps = 0;
  uint32_t e = entries_[head_].next;
  while (true) {
    if (e == tail_) {  // no return entry left: every determinate op is linearized
      result.verdict = Verdict::kValid;
      break;
    }
    if ((++steps & 1023) == 0) {
      if (auto why = BudgetExhausted(steps)) {
        result.verdict = Verdict::kUnknown;
        result.reason = *why;
        break;
      }
    }
    const Entry& entry = entries_[e];
    if (entry.is_call) {
      if (TryLinearize(entry.op)) {
        result.max_linearized = std::max(result.max_linearized, stack_.size());
        e = entries_[head_].next;
      } else {
        e = entry.next;
      }
      continue;
    }
    // A return entry of an op not linearized: this branch cannot continue.
    if (e > deepest_block) {
      deepest_block = e;
      block_states_.clear();
    }
    if (e == deepest_block && block_states_.size() < 8 &&
        std::find(block_states_.begin(), block_states_.end(), state_) == block_states_.end()) {
      block_states_.push_back(state_);
    }
    if (stack_.empty()) {
      result.verdict = Verdict::kInvalid;
      break;
    }
    Frame frame = stack_.back();
    stack_.pop_back();
    Undo(frame);
    Unlift(frame.op);
    e = entries_[ops_[frame.op].call_entry].next;
  }
  result.steps = steps;
  result.configurations = cache_.size();
  result.memory_bytes = cache_.memory_bytes();
  if (result.verdict == Verdict::kInvalid) {
    const Prepared& c = ops_[entries_[deepest_block].op];
    result.culprit = c.id;
    result.failed_at = c.ret;
  }
  return result;
}

}  // namespace

LinearizabilityResult CheckRegisterLinearizable(std::vector<RegisterOp> ops, const Budget& budget) {
  // Unknown outcomes of reads and of mismatches constrain nothing.
  std::erase_if(ops, [](const RegisterOp& o) {
    return o.indeterminate && (o.kind == Kind::kRead || o.kind == Kind::kCasMismatch);
  });
  for (RegisterOp& o : ops) {
    if (o.indeterminate) o.ret = kForever;
    else o.ret = std::max(o.ret, o.call);
  }
  std::stable_sort(ops.begin(), ops.end(),
                   [](const RegisterOp& x, const RegisterOp& y) { return x.call < y.call; });

  auto fail_at = [&](size_t i, std::string reason, LinearizabilityResult r) {
    r.verdict = Verdict::kInvalid;
    r.reason = std::move(reason);
    r.culprit = ops[i].id;
    r.failed_at = ops[i].ret;
    r.involved = Involved(ops, i);
    return r;
  };

  if (auto bad = FindObservationOfNothing(ops)) {
    const RegisterOp& o = ops[*bad];
    std::string what = o.kind == Kind::kRead ? "read " : "cas expecting ";
    return fail_at(*bad,
                   what + std::to_string(*o.value) +
                       ", a value no write or cas had been invoked to produce before it returned",
                   {});
  }
  PinUniqueProducers(ops);
  // An indeterminate cas expecting a value nothing ever writes can never apply: it would only
  // be walked past at every step of the search.
  {
    std::unordered_set<int64_t> produced;
    for (const RegisterOp& o : ops) {
      if (Produces(o) && Produced(o)) produced.insert(*Produced(o));
    }
    std::erase_if(ops, [&](const RegisterOp& o) {
      return o.indeterminate && o.kind == Kind::kCas && o.value && !produced.count(*o.value);
    });
  }

  std::map<int64_t, uint32_t> observed;
  for (const RegisterOp& o : ops) {
    bool observes = (o.kind == Kind::kRead && !o.indeterminate) || o.kind == Kind::kCas ||
                    o.kind == Kind::kCasMismatch;
    if (observes && o.value) observed.emplace(*o.value, 0);
  }
  uint32_t next_id = kUnobserved + 1;
  for (auto& [v, id] : observed) id = next_id++;
  auto dense = [&](const std::optional<int64_t>& v) -> uint32_t {
    if (!v) return kAbsent;
    auto it = observed.find(*v);
    return it == observed.end() ? kUnobserved : it->second;
  };
  std::vector<Prepared> prepared;
  prepared.reserve(ops.size());
  for (const RegisterOp& o : ops) {
    prepared.push_back({o.kind, dense(o.value), dense(o.new_value), o.indeterminate, o.call,
                        o.ret, o.id});
  }
  FindKillers(prepared);
  Search search(std::move(prepared), budget);
  LinearizabilityResult r = search.Run();
  if (r.verdict != Verdict::kInvalid) return r;
  size_t index = 0;
  while (ops[index].id != *r.culprit) ++index;
  const RegisterOp& c = ops[index];
  std::string reason = "no linearization gets past this ";
  reason += c.kind == Kind::kRead ? "read" : c.kind == Kind::kWrite ? "write"
          : c.kind == Kind::kCas ? "cas" : "failed cas";
  reason += ": every order of the earlier operations that respects real time leaves the "
            "register holding ";
  std::vector<std::string> held;
  for (uint32_t s : search.block_states()) {
    if (s == kAbsent) held.push_back("nil");
    else if (s == kUnobserved) held.push_back("a value no one ever read");
    else {
      for (auto& [v, id] : observed) {
        if (id == s) held.push_back(std::to_string(v));
      }
    }
  }
  for (size_t i = 0; i < held.size(); ++i) {
    reason += (i == 0 ? "" : i + 1 == held.size() ? " or " : ", ") + held[i];
  }
  if (held.empty()) reason += "something else";
  reason += " there";
  return fail_at(index, reason, r);
}

}  // namespace coord::jepsen
