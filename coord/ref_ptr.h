// RefPtr: an intrusive, atomically reference-counted pointer, the glue of the persistent
// structures (persistent_set.h, node.h).
//
// Why intrusive and atomic: a snapshot or read view holds the same immutable nodes as the
// live state and may drop its references on another thread while the apply thread drops or
// copies others, so counts must be atomic; keeping the count inside the object saves the
// 16-byte control block a shared_ptr would add to each of a million nodes.
//
// Why IsUnique matters: the apply thread may change an object in place instead of copying it
// when it holds the only reference. That is safe because a new reference can only be made by
// a thread that already holds one; the acquire load pairs with the release in Release() of
// any other holder, so all its reads of the object happen before our writes.
//
// T must provide `mutable std::atomic<uint32_t> refs_` reachable by RefPtr (friend it) and
// a static `void Destroy(T*)` that frees it.
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

namespace coord::store {

template <typename T>
class RefPtr {
 public:
  RefPtr() = default;
  // Adopts a fresh object whose count is already 1.
  static RefPtr Adopt(T* p) {
    RefPtr r;
    r.p_ = p;
    return r;
  }
  RefPtr(const RefPtr& o) : p_(o.p_) { AddRef(p_); }
  RefPtr(RefPtr&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  RefPtr& operator=(const RefPtr& o) {
    if (p_ != o.p_) {
      AddRef(o.p_);
      Release(std::exchange(p_, o.p_));
    }
    return *this;
  }
  RefPtr& operator=(RefPtr&& o) noexcept {
    if (this != &o) Release(std::exchange(p_, std::exchange(o.p_, nullptr)));
    return *this;
  }
  ~RefPtr() { Release(p_); }

  T* get() const { return p_; }
  T& operator*() const { return *p_; }
  T* operator->() const { return p_; }
  explicit operator bool() const { return p_ != nullptr; }
  void reset() { Release(std::exchange(p_, nullptr)); }

  // True when this is the only reference: the object may then be changed in place.
  bool IsUnique() const { return p_ && p_->refs_.load(std::memory_order_acquire) == 1; }

  static void AddRef(T* p) {
    if (p) p->refs_.fetch_add(1, std::memory_order_relaxed);
  }
  static void Release(T* p) {
    if (p && p->refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) T::Destroy(p);
  }

 private:
  T* p_ = nullptr;
};

}  // namespace coord::store
