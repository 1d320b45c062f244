// PersistentSet: an ordered set with O(1) copies, the structure every part of the replicated
// state is kept in (the tree, sessions, indexes, the dedup table).
//
// It is a B+tree whose nodes are immutable once shared. Copying a set copies one pointer;
// changing a set copies only the nodes on the path from the root to the change ("path
// copying") and shares the rest with every other copy. That is what lets the state machine
// hand a consistent image to a snapshot writer on another thread, or roll back a failed
// multi, for the price of a pointer copy instead of a copy of a million nodes. Nodes that no
// other copy shares (reference count 1) are changed in place, so a set with no outstanding
// copies costs no more than an ordinary B+tree.
//
// Layout: leaves hold up to kCapacity entries by value; inner nodes hold up to kCapacity
// children plus, for each child, a copy of the child's first entry (its separator). Keeping
// separators equal to the first entry, rather than any lower bound, means a separator never
// keeps an entry alive after it left the set: the memory of replaced node records is
// released at once.
//
// Order: `Order::Compare(const T&, const K&)` returns <0, 0 or >0; it must exist for K = T and
// for every key type passed to Find/Erase/Update/LowerBound, and agree with the order of T.
// T must be default-constructible (unused slots hold a default T) and copyable.
//
// Thread-safety: a set is a value. Different copies may be read and changed on different
// threads at the same time (they share nodes, but shared nodes are never changed). One copy
// must not be changed while another thread reads that same copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "coord/btree_nodes.h"
#include "raft/invariant.h"

namespace coord::store {

template <typename T, typename Order, int kCapacity = 32>
class PersistentSet {
  using Nodes = BTreeNodes<T, Order, kCapacity>;
  using Node = typename Nodes::Node;
  using NodePtr = typename Nodes::NodePtr;
  using Leaf = typename Nodes::Leaf;
  using Inner = typename Nodes::Inner;
  static constexpr int kMinEntries = Nodes::kMinEntries;
  static constexpr int kMaxDepth = Nodes::kMaxDepth;

 public:
  using value_type = T;
  using order_type = Order;

  PersistentSet() = default;
  PersistentSet(const PersistentSet&) = default;
  PersistentSet& operator=(const PersistentSet&) = default;
  // A moved-from set is empty (the defaults would leave its size behind).
  PersistentSet(PersistentSet&& o) noexcept
      : root_(std::move(o.root_)), size_(std::exchange(o.size_, 0)) {}
  PersistentSet& operator=(PersistentSet&& o) noexcept {
    root_ = std::move(o.root_);
    size_ = std::exchange(o.size_, 0);
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The entry equal to `key`, or nullptr. The pointer is valid until this copy changes.
  template <typename K>
  const T* Find(const K& key) const {
    const Node* n = root_.get();
    if (!n) return nullptr;
    while (!n->leaf) {
      const Inner* in = Nodes::AsInner(n);
      n = in->children[Nodes::ChildIndex(in, key)].get();
    }
    const Leaf* l = Nodes::AsLeaf(n);
    int pos = Nodes::LowerBoundIn(l->entries, l->count, key);
    if (pos < l->count && Order::Compare(l->entries[pos], key) == 0) return &l->entries[pos];
    return nullptr;
  }

  // Inserts `value`, or replaces the entry equal to it. Returns true if it was new.
  bool Insert(T value) {
    bool inserted = false;
    if (!root_) {
      auto* leaf = new Leaf;
      leaf->entries[0] = std::move(value);
      leaf->count = 1;
      root_ = NodePtr::Adopt(leaf);
      size_ = 1;
      return true;
    }
    NodePtr right = Nodes::InsertRec(root_, value, &inserted);
    if (right) {
      auto* top = new Inner;
      top->keys[0] = Nodes::First(root_.get());
      top->keys[1] = Nodes::First(right.get());
      top->children[0] = std::move(root_);
      top->children[1] = std::move(right);
      top->count = 2;
      root_ = NodePtr::Adopt(top);
    }
    if (inserted) ++size_;
    return inserted;
  }

  // Removes the entry equal to `key`. Returns false (and changes nothing) if there is none.
  template <typename K>
  bool Erase(const K& key) {
    if (!Find(key)) return false;
    Nodes::EraseRec(root_, key);
    --size_;
    // Shrink the root: an inner root with one child gives way to it; an empty root goes.
    while (root_ && !root_->leaf && root_->count <= 1) {
      NodePtr only = root_->count == 1 ? Nodes::AsInner(root_.get())->children[0] : NodePtr();
      root_ = std::move(only);
    }
    if (root_ && root_->count == 0) root_.reset();
    return true;
  }

  // Calls fn(T&) on the entry equal to `key`, which fn may change but not move in the order.
  // Returns false (and changes nothing) if there is no such entry.
  template <typename K, typename Fn>
  bool Update(const K& key, Fn&& fn) {
    if (!Find(key)) return false;
    Nodes::UpdateRec(root_, key, fn);
    return true;
  }

  // Forward iteration in order. An iterator stays valid while the copy it came from is
  // unchanged; to iterate while changing a set, iterate a copy of it.
  class Iterator {
   public:
    bool Valid() const { return leaf_ != nullptr; }
    const T& operator*() const { return leaf_->entries[index_]; }
    const T* operator->() const { return &leaf_->entries[index_]; }
    void Next() {
      ++index_;
      SkipExhausted();
    }

   private:
    friend class PersistentSet;
    struct Frame {
      const Inner* node;
      int index;
    };
    void Push(const Inner* in, int index) {
      COORD_INVARIANT(depth_ < kMaxDepth, "persistent_set.depth", "tree deeper than bound");
      stack_[depth_++] = {in, index};
    }
    void DescendLeftmost(const Node* n) {
      while (!n->leaf) {
        Push(Nodes::AsInner(n), 0);
        n = Nodes::AsInner(n)->children[0].get();
      }
      leaf_ = Nodes::AsLeaf(n);
      index_ = 0;
    }
    // Moves past the end of the current leaf to the next non-empty position, if any.
    void SkipExhausted() {
      while (leaf_ && index_ >= leaf_->count) {
        leaf_ = nullptr;
        while (depth_ > 0) {
          Frame& f = stack_[depth_ - 1];
          if (f.index + 1 < f.node->count) {
            ++f.index;
            DescendLeftmost(f.node->children[f.index].get());
            break;
          }
          --depth_;
        }
      }
    }

    Frame stack_[kMaxDepth];
    int depth_ = 0;
    const Leaf* leaf_ = nullptr;
    int index_ = 0;
  };

  Iterator Begin() const {
    Iterator it;
    if (root_) it.DescendLeftmost(root_.get());
    it.SkipExhausted();
    return it;
  }

  // The first entry not less than `key`.
  template <typename K>
  Iterator LowerBound(const K& key) const {
    Iterator it;
    const Node* n = root_.get();
    if (!n) return it;
    while (!n->leaf) {
      const Inner* in = Nodes::AsInner(n);
      int i = Nodes::ChildIndex(in, key);
      it.Push(in, i);
      n = in->children[i].get();
    }
    it.leaf_ = Nodes::AsLeaf(n);
    it.index_ = Nodes::LowerBoundIn(it.leaf_->entries, it.leaf_->count, key);
    it.SkipExhausted();
    return it;
  }

  // Builds a set from entries given in strictly increasing order, in O(n) and with full
  // leaves: the way a snapshot is restored.
  class Builder {
   public:
    // Returns false, ignoring the entry, if it is not greater than the previous one.
    bool Add(T value) {
      if (last_ && Order::Compare(*last_, value) >= 0) return false;
      if (!leaf_ || leaf_->count == kCapacity) {
        leaf_ = new Leaf;
        level_.push_back(NodePtr::Adopt(leaf_));
      }
      leaf_->entries[leaf_->count] = std::move(value);
      last_ = &leaf_->entries[leaf_->count];
      ++leaf_->count;
      ++size_;
      return true;
    }
    PersistentSet Finish() && {
      PersistentSet out;
      out.size_ = size_;
      if (level_.empty()) return out;
      EvenOutTail(level_);
      while (level_.size() > 1) {
        std::vector<NodePtr> up;
        up.reserve(level_.size() / kCapacity + 1);
        for (size_t i = 0; i < level_.size(); i += kCapacity) {
          auto* in = new Inner;
          for (size_t j = i; j < level_.size() && j < i + kCapacity; ++j) {
            in->keys[in->count] = Nodes::First(level_[j].get());
            in->children[in->count] = std::move(level_[j]);
            ++in->count;
          }
          up.push_back(NodePtr::Adopt(in));
        }
        EvenOutTail(up);
        level_ = std::move(up);
      }
      out.root_ = std::move(level_[0]);
      return out;
    }

   private:
    // The last node of a level may be nearly empty; share entries with its left neighbour.
    static void EvenOutTail(std::vector<NodePtr>& level) {
      if (level.size() < 2) return;
      Node* a = level[level.size() - 2].get();
      Node* b = level.back().get();
      if (b->count >= kMinEntries) return;
      Nodes::Redistribute(a, b);
    }

    std::vector<NodePtr> level_;
    Leaf* leaf_ = nullptr;
    const T* last_ = nullptr;
    size_t size_ = 0;
  };

  // Checks the B+tree's invariants; returns "" if they hold, else what is broken. For tests.
  std::string CheckInvariants() const {
    if (!root_) return size_ == 0 ? "" : "empty root but size " + std::to_string(size_);
    size_t count = 0;
    int leaf_depth = -1;
    const T* prev = nullptr;
    std::string err = Nodes::CheckRec(root_.get(), 0, true, &leaf_depth, &prev, &count);
    if (err.empty() && count != size_) {
      err = "size " + std::to_string(size_) + " but " + std::to_string(count) + " entries";
    }
    return err;
  }

 private:
  NodePtr root_;
  size_t size_ = 0;
};

}  // namespace coord::store
