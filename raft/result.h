// ResultOf<T, E>: a T, or an error E (a Status-like type; when it has ok(), it must not be ok).
//
// Each module has its own error type with its own domain codes (raft::Status, store::Status,
// watch::Status, the API's ApiError); they share this one container through an alias:
//   template <typename T> using Result = ResultOf<T, Status>;
// Cheap to move and safe to copy; not thread-safe to mutate.
#pragma once

#include <cassert>
#include <optional>
#include <utility>

namespace coord {

template <typename T, typename E>
class ResultOf {
 public:
  ResultOf(T value) : value_(std::move(value)) {}                         // NOLINT: by design
  ResultOf(E status) : status_(std::move(status)) {  // NOLINT: by design
    if constexpr (requires { status_.ok(); }) assert(!status_.ok());
  }

  bool ok() const { return value_.has_value(); }
  const E& status() const { return status_; }
  const E& error() const {
    assert(!ok());
    return status_;
  }
  // The error's code (only for error types that have one).
  auto code() const { return status_.code(); }
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  E status_;
};

}  // namespace coord
