// zf/result.h — a value or the Status explaining why there is none.
//
// Shaped like absl::StatusOr<T>: ok(), status(), value(), operator*, ->.
// A Result is never constructed from an OK Status without a value.
//
// Example:
//   zf::Result<zf::StreamHead> head = store->Head("case/SX-2023-000452");
//   if (!head.ok()) return head.status();
//   std::uint64_t v = head->version;
//
// Thread safety: a value type, like Status.
#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>

#include "zf/status.h"

namespace zf {

template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Status>,
                "Result<Status> is not allowed");

 public:
  // REQUIRES: !status.ok().
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) {
      status_ = InternalError("Result constructed from an OK status");
    }
  }
  Result(const T& value) : value_(value) {}        // NOLINT
  Result(T&& value) : value_(std::move(value)) {}  // NOLINT
  template <typename U>
    requires(std::is_constructible_v<T, U &&> &&
             !std::is_same_v<std::remove_cvref_t<U>, Status> &&
             !std::is_same_v<std::remove_cvref_t<U>, Result<T>> &&
             !std::is_same_v<std::remove_cvref_t<U>, T>)
  Result(U&& value) : value_(std::in_place, std::forward<U>(value)) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  // OK when a value is held.
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  // REQUIRES: ok().
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T& value() & {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // The value, or `fallback` when there is none.
  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? *value_ : static_cast<T>(std::forward<U>(fallback));
  }

  void IgnoreError() const { status_.IgnoreError(); }

 private:
  Status status_;
  std::optional<T> value_;
};

namespace internal {
template <typename T>
Status ToStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace zf

#define ZF_INTERNAL_CONCAT_(a, b) a##b
#define ZF_INTERNAL_CONCAT(a, b) ZF_INTERNAL_CONCAT_(a, b)

// ZF_ASSIGN_OR_RETURN(auto head, store->Head(stream));
// Evaluates the Result expression; on error returns its status, otherwise
// moves the value into `lhs`.
#define ZF_ASSIGN_OR_RETURN(lhs, expr) \
  ZF_INTERNAL_ASSIGN_OR_RETURN_(ZF_INTERNAL_CONCAT(zf_result_, __LINE__), lhs, expr)
#define ZF_INTERNAL_ASSIGN_OR_RETURN_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).status();      \
  lhs = std::move(tmp).value()
