#include "zf/status.h"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

namespace zf {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kAlreadyExists: return "already_exists";
    case StatusCode::kFailedPrecondition: return "failed_precondition";
    case StatusCode::kConflict: return "conflict";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kIOError: return "io_error";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kInternal: return "internal";
  }
  return "unknown";
}

Status::Status(StatusCode code, std::string_view message, SourceLocation where) {
  if (code == StatusCode::kOk) return;
  rep_ = std::make_unique<Rep>(Rep{code, std::string(message), {}, std::nullopt,
                                   where.file_name(), where.line()});
  checked_ = false;
}

Status::Status(const Status& other)
    : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr),
      checked_(other.rep_ == nullptr) {
  other.MarkChecked();
}

Status& Status::operator=(const Status& other) {
  if (this != &other) {
    MarkChecked();
    rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
    checked_ = rep_ == nullptr;
    other.MarkChecked();
  }
  return *this;
}

Status::Status(Status&& other) noexcept
    : rep_(std::move(other.rep_)), checked_(other.checked_) {
  other.checked_ = true;
}

Status& Status::operator=(Status&& other) noexcept {
  if (this != &other) {
    MarkChecked();
    rep_ = std::move(other.rep_);
    checked_ = other.checked_;
    other.checked_ = true;
  }
  return *this;
}

Status::~Status() {
#ifdef ZF_ASSERT_STATUS_CHECKED
  if (!checked_) {
    std::fprintf(stderr, "zf: Status destroyed without being checked: %s\n",
                 ToString().c_str());
    std::abort();
  }
#endif
}

std::string_view Status::message() const { return rep_ ? std::string_view(rep_->message) : ""; }
std::string_view Status::subject() const { return rep_ ? std::string_view(rep_->subject) : ""; }
std::optional<std::uint64_t> Status::version() const {
  return rep_ ? rep_->version : std::nullopt;
}
std::string_view Status::file() const { return rep_ ? std::string_view(rep_->file) : ""; }
std::uint32_t Status::line() const { return rep_ ? rep_->line : 0; }

Status& Status::WithSubject(std::string_view subject) & {
  if (rep_) rep_->subject = subject;
  return *this;
}
Status&& Status::WithSubject(std::string_view subject) && {
  if (rep_) rep_->subject = subject;
  return std::move(*this);
}
Status& Status::WithVersion(std::uint64_t version) & {
  if (rep_) rep_->version = version;
  return *this;
}
Status&& Status::WithVersion(std::uint64_t version) && {
  if (rep_) rep_->version = version;
  return std::move(*this);
}

std::string Status::ToString() const {
  if (!rep_) return "ok";
  std::string out = fmt::format("{}: {}", StatusCodeName(rep_->code), rep_->message);
  if (!rep_->subject.empty() || rep_->version) {
    out += " [";
    if (!rep_->subject.empty()) out += fmt::format("subject={}", rep_->subject);
    if (rep_->version) {
      if (!rep_->subject.empty()) out += ' ';
      out += fmt::format("version={}", *rep_->version);
    }
    out += ']';
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, const Status& s) { return os << s.ToString(); }
std::ostream& operator<<(std::ostream& os, StatusCode c) { return os << StatusCodeName(c); }

}  // namespace zf
