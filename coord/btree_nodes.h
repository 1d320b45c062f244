// BTreeNodes: the nodes of PersistentSet's B+tree (persistent_set.h) and the algorithms
// that change them with path copying.
//
// Every algorithm takes the slot (the parent's pointer) of the node it changes and first makes
// that node private with MakeMutable: a node shared with another copy of the set is cloned
// (its children gain a reference, so they in turn count as shared), a node held only here is
// changed in place. Hence a change copies at most the nodes on one root-to-leaf path, plus a
// sibling when nodes merge or share entries.
//
// Invariants (CheckRec checks them): all leaves at one depth; entries strictly increasing
// across leaves; keys[i] of an inner node equal to the first entry under children[i]; no empty
// node except an empty root; at most kCapacity entries per node.
//
// Thread-safety: as PersistentSet. Not for use on its own.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>

#include "coord/ref_ptr.h"
#include "raft/invariant.h"

namespace coord::store {

template <typename T, typename Order, int kCapacity>
struct BTreeNodes {
  static_assert(kCapacity >= 8 && kCapacity <= 1024);
  // A node below this many entries (other than the root) is merged with or refilled from a
  // sibling. A quarter, not a half, so that alternating inserts and erases at a boundary do
  // not split and merge the same node over and over.
  static constexpr int kMinEntries = kCapacity / 4;
  // Height bound for iterator stacks: every inner node but the root has >= 1 child and the
  // tree only grows by splitting a full root, so 2^40 entries never get near it.
  static constexpr int kMaxDepth = 40;

  struct Node {
    explicit Node(bool is_leaf) : leaf(is_leaf) {}
    mutable std::atomic<uint32_t> refs_{1};
    uint16_t count = 0;
    const bool leaf;
    static void Destroy(Node* n);
  };
  using NodePtr = RefPtr<Node>;

  struct Leaf : Node {
    Leaf() : Node(true) {}
    Leaf(const Leaf& o) : Node(true) {
      this->count = o.count;
      for (int i = 0; i < o.count; ++i) entries[i] = o.entries[i];
    }
    T entries[kCapacity];
  };

  struct Inner : Node {
    Inner() : Node(false) {}
    Inner(const Inner& o) : Node(false) {
      this->count = o.count;
      for (int i = 0; i < o.count; ++i) {
        keys[i] = o.keys[i];
        children[i] = o.children[i];
      }
    }
    T keys[kCapacity];  // keys[i] is a copy of the first entry under children[i]
    NodePtr children[kCapacity];
  };

  static const Leaf* AsLeaf(const Node* n) { return static_cast<const Leaf*>(n); }
  static const Inner* AsInner(const Node* n) { return static_cast<const Inner*>(n); }
  static Leaf* AsLeaf(Node* n) { return static_cast<Leaf*>(n); }
  static Inner* AsInner(Node* n) { return static_cast<Inner*>(n); }

  static const T& First(const Node* n) {
    return n->leaf ? AsLeaf(n)->entries[0] : AsInner(n)->keys[0];
  }

  // First index in a[0..count) whose entry is not less than key.
  template <typename K>
  static int LowerBoundIn(const T* a, int count, const K& key) {
    int lo = 0, hi = count;
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (Order::Compare(a[mid], key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // The child whose range holds key: the last one whose separator is <= key, or the first.
  template <typename K>
  static int ChildIndex(const Inner* in, const K& key) {
    int lo = 0, hi = in->count;  // find the first separator > key
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (Order::Compare(in->keys[mid], key) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == 0 ? 0 : lo - 1;
  }

  // Returns the node in `slot`, first replacing it with a private copy if it is shared.
  static Node* MakeMutable(NodePtr& slot) {
    if (slot.IsUnique()) return slot.get();
    Node* copy = slot->leaf ? static_cast<Node*>(new Leaf(*AsLeaf(slot.get())))
                            : static_cast<Node*>(new Inner(*AsInner(slot.get())));
    slot = NodePtr::Adopt(copy);
    return copy;
  }

  template <typename A>
  static void InsertAt(A* a, int count, int pos, A value) {
    for (int i = count; i > pos; --i) a[i] = std::move(a[i - 1]);
    a[pos] = std::move(value);
  }
  template <typename A>
  static void RemoveAt(A* a, int count, int pos) {
    for (int i = pos; i + 1 < count; ++i) a[i] = std::move(a[i + 1]);
    a[count - 1] = A();  // release what the vacated slot held
  }
  // Moves a[from..count) to the front of b (which is empty), leaving a with `from` entries.
  template <typename A>
  static void MoveTail(A* a, int count, int from, A* b) {
    for (int i = from; i < count; ++i) {
      b[i - from] = std::move(a[i]);
      a[i] = A();
    }
  }

  // Inserts `value` (or replaces its equal) under slot; returns the new right sibling if the
  // node had to split. When the insert lands at the very end of a full node, the new sibling
  // gets only the new entry: sequential keys (the common case: sequential nodes, bulk
  // creation) then fill nodes completely instead of leaving them half empty.
  static NodePtr InsertRec(NodePtr& slot, T& value, bool* inserted) {
    Node* n = MakeMutable(slot);
    if (n->leaf) {
      Leaf* l = AsLeaf(n);
      int pos = LowerBoundIn(l->entries, l->count, value);
      if (pos < l->count && Order::Compare(l->entries[pos], value) == 0) {
        l->entries[pos] = std::move(value);
        *inserted = false;
        return {};
      }
      *inserted = true;
      if (l->count < kCapacity) {
        InsertAt(l->entries, l->count, pos, std::move(value));
        ++l->count;
        return {};
      }
      auto* right = new Leaf;
      if (pos == kCapacity) {
        right->entries[0] = std::move(value);
        right->count = 1;
      } else {
        int mid = kCapacity / 2;
        MoveTail(l->entries, kCapacity, mid, right->entries);
        l->count = mid;
        right->count = kCapacity - mid;
        if (pos <= mid) {
          InsertAt(l->entries, l->count++, pos, std::move(value));
        } else {
          InsertAt(right->entries, right->count++, pos - mid, std::move(value));
        }
      }
      return NodePtr::Adopt(right);
    }

    Inner* in = AsInner(n);
    int i = ChildIndex(in, value);
    NodePtr split = InsertRec(in->children[i], value, inserted);
    in->keys[i] = First(in->children[i].get());
    if (!split) return {};
    T split_key = First(split.get());
    int pos = i + 1;
    if (in->count < kCapacity) {
      InsertAt(in->keys, in->count, pos, std::move(split_key));
      InsertAt(in->children, in->count, pos, std::move(split));
      ++in->count;
      return {};
    }
    auto* right = new Inner;
    if (pos == kCapacity) {
      right->keys[0] = std::move(split_key);
      right->children[0] = std::move(split);
      right->count = 1;
    } else {
      int mid = kCapacity / 2;
      MoveTail(in->keys, kCapacity, mid, right->keys);
      MoveTail(in->children, kCapacity, mid, right->children);
      in->count = mid;
      right->count = kCapacity - mid;
      if (pos <= mid) {
        InsertAt(in->keys, in->count, pos, std::move(split_key));
        InsertAt(in->children, in->count, pos, std::move(split));
        ++in->count;
      } else {
        InsertAt(right->keys, right->count, pos - mid, std::move(split_key));
        InsertAt(right->children, right->count, pos - mid, std::move(split));
        ++right->count;
      }
    }
    return NodePtr::Adopt(right);
  }

  // REQUIRES: key is present under slot.
  template <typename K>
  static void EraseRec(NodePtr& slot, const K& key) {
    Node* n = MakeMutable(slot);
    if (n->leaf) {
      Leaf* l = AsLeaf(n);
      int pos = LowerBoundIn(l->entries, l->count, key);
      COORD_INVARIANT(pos < l->count && Order::Compare(l->entries[pos], key) == 0,
                      "persistent_set.erase_present", "key vanished between Find and Erase");
      RemoveAt(l->entries, l->count, pos);
      --l->count;
      return;
    }
    Inner* in = AsInner(n);
    int i = ChildIndex(in, key);
    EraseRec(in->children[i], key);
    if (in->children[i]->count < kMinEntries) {
      Rebalance(in, i);
    } else {
      in->keys[i] = First(in->children[i].get());
    }
  }

  // children[i] of `in` is underfull: merge it with a neighbour or share the neighbour's.
  static void Rebalance(Inner* in, int i) {
    if (in->count == 1) {  // no neighbour here; our own parent (or the root shrink) decides
      if (in->children[0]->count == 0) {
        RemoveAt(in->keys, in->count, 0);
        RemoveAt(in->children, in->count, 0);
        --in->count;
      } else {
        in->keys[0] = First(in->children[0].get());
      }
      return;
    }
    int l = i + 1 < in->count ? i : i - 1;
    int r = l + 1;
    Node* a = MakeMutable(in->children[l]);
    Node* b = MakeMutable(in->children[r]);
    if (a->count + b->count <= kCapacity) {
      MergeInto(a, b);
      RemoveAt(in->keys, in->count, r);
      RemoveAt(in->children, in->count, r);
      --in->count;
      in->keys[l] = First(a);
    } else {
      Redistribute(a, b);
      in->keys[l] = First(a);
      in->keys[r] = First(b);
    }
  }

  // Appends all of b to a. REQUIRES: same kind, a->count + b->count <= kCapacity.
  static void MergeInto(Node* a, Node* b) {
    if (a->leaf) {
      Leaf* x = AsLeaf(a);
      Leaf* y = AsLeaf(b);
      for (int k = 0; k < y->count; ++k) x->entries[x->count + k] = std::move(y->entries[k]);
    } else {
      Inner* x = AsInner(a);
      Inner* y = AsInner(b);
      for (int k = 0; k < y->count; ++k) {
        x->keys[x->count + k] = std::move(y->keys[k]);
        x->children[x->count + k] = std::move(y->children[k]);
      }
    }
    a->count += b->count;
    b->count = 0;
  }

  // Shares the entries of adjacent siblings a (left) and b evenly. REQUIRES: same kind.
  static void Redistribute(Node* a, Node* b) {
    int total = a->count + b->count;
    int want_a = total / 2;
    if (a->leaf) {
      ShiftBetween(AsLeaf(a)->entries, AsLeaf(b)->entries, a->count, b->count, want_a);
    } else {
      ShiftBetween(AsInner(a)->keys, AsInner(b)->keys, a->count, b->count, want_a);
      ShiftBetween(AsInner(a)->children, AsInner(b)->children, a->count, b->count, want_a);
    }
    a->count = static_cast<uint16_t>(want_a);
    b->count = static_cast<uint16_t>(total - want_a);
  }

  // Moves entries across the a|b boundary so that a ends with want_a of the total, in order.
  template <typename A>
  static void ShiftBetween(A* a, A* b, int na, int nb, int want_a) {
    if (want_a > na) {  // move b's first (want_a - na) to a's end
      int k = want_a - na;
      for (int j = 0; j < k; ++j) a[na + j] = std::move(b[j]);
      for (int j = k; j < nb; ++j) b[j - k] = std::move(b[j]);
      for (int j = nb - k; j < nb; ++j) b[j] = A();
    } else if (want_a < na) {  // move a's last (na - want_a) to b's front
      int k = na - want_a;
      for (int j = nb - 1; j >= 0; --j) b[j + k] = std::move(b[j]);
      for (int j = 0; j < k; ++j) {
        b[j] = std::move(a[want_a + j]);
        a[want_a + j] = A();
      }
    }
  }

  template <typename K, typename Fn>
  static void UpdateRec(NodePtr& slot, const K& key, Fn& fn) {
    Node* n = MakeMutable(slot);
    if (n->leaf) {
      Leaf* l = AsLeaf(n);
      int pos = LowerBoundIn(l->entries, l->count, key);
      fn(l->entries[pos]);
      return;
    }
    Inner* in = AsInner(n);
    int i = ChildIndex(in, key);
    UpdateRec(in->children[i], key, fn);
    in->keys[i] = First(in->children[i].get());
  }

  static std::string CheckRec(const Node* n, int depth, bool is_root, int* leaf_depth,
                              const T** prev, size_t* count) {
    if (n->count > kCapacity) return "node over capacity";
    if (!is_root && n->count == 0) return "empty non-root node";
    if (depth >= kMaxDepth) return "too deep";
    if (n->leaf) {
      if (*leaf_depth < 0) *leaf_depth = depth;
      if (*leaf_depth != depth) return "leaves at different depths";
      const Leaf* l = AsLeaf(n);
      for (int i = 0; i < l->count; ++i) {
        if (*prev && Order::Compare(**prev, l->entries[i]) >= 0) return "entries out of order";
        *prev = &l->entries[i];
      }
      *count += l->count;
      return "";
    }
    const Inner* in = AsInner(n);
    for (int i = 0; i < in->count; ++i) {
      if (!in->children[i]) return "null child";
      if (in->children[i]->count == 0) return "empty non-root node";
      if (Order::Compare(in->keys[i], First(in->children[i].get())) != 0) {
        return "separator is not its child's first entry";
      }
      std::string err = CheckRec(in->children[i].get(), depth + 1, false, leaf_depth, prev, count);
      if (!err.empty()) return err;
    }
    return "";
  }
};

template <typename T, typename Order, int kCapacity>
void BTreeNodes<T, Order, kCapacity>::Node::Destroy(Node* n) {
  if (n->leaf) {
    delete static_cast<Leaf*>(n);
  } else {
    delete static_cast<Inner*>(n);
  }
}

}  // namespace coord::store
