// zf/status.h — the error model of the public API.
//
// Every public function that can fail returns a zf::Status or a zf::Result<T>
// (see result.h). No public function throws. A Status is a stable, enumerable
// code plus a human message, an optional subject (stream, case id, field) and
// version, and the source location that created it.
//
// Example:
//   zf::Status s = store->Append(request).status();
//   if (s.code() == zf::StatusCode::kConflict) {
//     // reload the stream at *s.version() and retry
//   }
//
// Thread safety: a Status is a value type; distinct objects may be used from
// different threads, a single object must not be mutated concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <source_location>
#include <string>
#include <string_view>

#include "zf/export.h"

namespace zf {

// Where a Status was created. std::source_location wherever the standard
// library has it. libstdc++ 12 declares std::source_location only when the
// compiler has __builtin_source_location (g++ 11+, clang 15+), so clang-14,
// which builds the fuzz targets (tests/fuzz/, docs/fuzzing.md), gets this
// stand-in: the same members, filled by the __builtin_FILE/LINE/FUNCTION
// that clang and g++ evaluate at the caller when they are default arguments.
#if defined(__cpp_lib_source_location)
using SourceLocation = std::source_location;
#else
class SourceLocation {
 public:
  static constexpr SourceLocation current(
      const char* file = __builtin_FILE(),
      const char* function = __builtin_FUNCTION(),
      std::uint_least32_t line = __builtin_LINE()) noexcept {
    SourceLocation where;
    where.file_ = file;
    where.function_ = function;
    where.line_ = line;
    return where;
  }
  constexpr SourceLocation() noexcept = default;
  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }
  constexpr std::uint_least32_t line() const noexcept { return line_; }
  constexpr std::uint_least32_t column() const noexcept { return 0; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  std::uint_least32_t line_ = 0;
};
#endif

// Persisted in the audit trail and logged: do not renumber.
enum class StatusCode : int {
  // Not an error.
  kOk = 0,
  // The caller passed something malformed: a bad stream name, a payload that
  // fails its schema, an option out of range. Retrying the same input fails.
  kInvalidArgument = 1,
  // The thing asked for does not exist (a stream with no events, a position
  // past the head).
  kNotFound = 2,
  // The thing to be created exists already (a command id reused for another
  // stream).
  kAlreadyExists = 3,
  // The operation is not allowed in the current state (a transition the case
  // state forbids; a write to a store opened read-only).
  kFailedPrecondition = 4,
  // Optimistic concurrency: the expected stream version does not match. The
  // status carries the actual version; reload and retry.
  kConflict = 5,
  // Stored data failed a check: hash chain, envelope or schema mismatch.
  kCorruption = 6,
  // The storage layer failed (disk full, permissions, fsync error).
  kIOError = 7,
  // Temporarily unavailable (store closing, lock held by another process).
  // Retrying later may succeed.
  kUnavailable = 8,
  // A bug or broken invariant inside zf.
  kInternal = 9,
};

// Returns the stable snake_case name of `code`, e.g. "conflict".
ZF_EXPORT std::string_view StatusCodeName(StatusCode code);

// Declared first so the export attribute and [[nodiscard]] need not share a
// declaration (GCC refuses the combination).
class ZF_EXPORT Status;

class [[nodiscard]] Status {
 public:
  // An OK status. Cheap: holds no allocation.
  Status() noexcept = default;
  Status(StatusCode code, std::string_view message,
         SourceLocation where = SourceLocation::current());

  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&& other) noexcept;
  Status& operator=(Status&& other) noexcept;
  ~Status();

  static Status Ok() { return Status(); }

  bool ok() const {
    MarkChecked();
    return rep_ == nullptr;
  }
  StatusCode code() const {
    MarkChecked();
    return rep_ == nullptr ? StatusCode::kOk : rep_->code;
  }
  // Empty for an OK status.
  std::string_view message() const;
  // What the status is about: a stream, a case id, a JSON pointer. May be empty.
  std::string_view subject() const;
  // A version the status refers to; for kConflict, the stream's actual version.
  std::optional<std::uint64_t> version() const;
  // Where the status was created (file:line), for diagnostics.
  std::string_view file() const;
  std::uint32_t line() const;

  // Builders; return *this so they chain: NotFound("...").WithSubject(s).
  Status& WithSubject(std::string_view subject) &;
  Status&& WithSubject(std::string_view subject) &&;
  Status& WithVersion(std::uint64_t version) &;
  Status&& WithVersion(std::uint64_t version) &&;

  // "conflict: stream case/1 is at version 3 [subject=case/1 version=3]".
  std::string ToString() const;

  // Marks the status as deliberately not inspected, so that a build with
  // ZF_ASSERT_STATUS_CHECKED does not abort. grep for it in review.
  void IgnoreError() const { MarkChecked(); }

 private:
  struct Rep {
    StatusCode code;
    std::string message;
    std::string subject;
    std::optional<std::uint64_t> version;
    const char* file;
    std::uint32_t line;
  };
  // Always recorded; only a library built with ZF_ASSERT_STATUS_CHECKED
  // acts on it (in ~Status), so callers need not share the flag.
  void MarkChecked() const { checked_ = true; }
  std::unique_ptr<Rep> rep_;
  mutable bool checked_ = true;
};

inline bool operator==(const Status& a, StatusCode c) { return a.code() == c; }

ZF_EXPORT std::ostream& operator<<(std::ostream& os, const Status& s);
ZF_EXPORT std::ostream& operator<<(std::ostream& os, StatusCode c);

// Factories, one per code. They capture the caller's source location.
#define ZF_STATUS_FACTORY(Name, Code)                                        \
  inline Status Name(std::string_view message,                              \
                     SourceLocation where = SourceLocation::current()) {    \
    return Status(StatusCode::Code, message, where);                        \
  }
ZF_STATUS_FACTORY(InvalidArgumentError, kInvalidArgument)
ZF_STATUS_FACTORY(NotFoundError, kNotFound)
ZF_STATUS_FACTORY(AlreadyExistsError, kAlreadyExists)
ZF_STATUS_FACTORY(FailedPreconditionError, kFailedPrecondition)
ZF_STATUS_FACTORY(ConflictError, kConflict)
ZF_STATUS_FACTORY(CorruptionError, kCorruption)
ZF_STATUS_FACTORY(IOError, kIOError)
ZF_STATUS_FACTORY(UnavailableError, kUnavailable)
ZF_STATUS_FACTORY(InternalError, kInternal)
#undef ZF_STATUS_FACTORY

}  // namespace zf

// Evaluates `expr` (a Status or Result); returns its status from the current
// function if it is not OK.
#define ZF_RETURN_IF_ERROR(expr)                        \
  do {                                                  \
    if (auto zf_status_ = ::zf::internal::ToStatus(expr); \
        !zf_status_.ok()) {                             \
      return zf_status_;                                \
    }                                                   \
  } while (0)

namespace zf::internal {
inline Status ToStatus(Status s) { return s; }
}  // namespace zf::internal
