#include "util/rfc3339.h"

#include <cstdlib>

#include <fmt/format.h>

#include "util/quote.h"

namespace zf::internal {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;

std::string Quote(std::string_view s) { return QuoteForMessage(s, 64); }

Status Invalid(std::string_view input, std::string_view why) {
  return InvalidArgumentError(
      fmt::format("invalid RFC 3339 timestamp {}: {}", Quote(input), why));
}

// Reads exactly `n` ASCII digits at s[pos..pos+n).
bool ReadDigits(std::string_view s, std::size_t pos, std::size_t n, int* value) {
  if (pos > s.size() || s.size() - pos < n) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *value = v;
  return true;
}

// Floor division, so that instants before 1970 map to the previous day /
// second rather than rounding toward zero.
constexpr std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
}

}  // namespace

Result<Timestamp> ParseRfc3339(std::string_view s) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(s, 0, 4, &year) || s.size() < 5 || s[4] != '-' ||
      !ReadDigits(s, 5, 2, &month) || s.size() < 8 || s[7] != '-' ||
      !ReadDigits(s, 8, 2, &day)) {
    return Invalid(s, "expected a date YYYY-MM-DD at the start");
  }
  if (s.size() == 10) {
    return Invalid(s, "missing time: expected 'T' and HH:MM:SS after the date");
  }
  if (s[10] != 'T' && s[10] != 't') {
    return Invalid(s, "expected 'T' between the date and the time");
  }
  if (!ReadDigits(s, 11, 2, &hour) || s.size() < 14 || s[13] != ':' ||
      !ReadDigits(s, 14, 2, &minute) || s.size() < 17 || s[16] != ':' ||
      !ReadDigits(s, 17, 2, &second)) {
    return Invalid(s, "expected a time HH:MM:SS after 'T'");
  }
  std::size_t pos = 19;

  std::int64_t fraction_micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const std::size_t begin = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    const std::size_t digits = pos - begin;
    if (digits == 0) return Invalid(s, "expected digits after the decimal point");
    if (digits > 9) return Invalid(s, "fraction of a second has more than 9 digits");
    // Truncate to microseconds: take the first 6 digits, right-padded.
    for (std::size_t i = 0; i < 6; ++i) {
      fraction_micros = fraction_micros * 10 + (i < digits ? s[begin + i] - '0' : 0);
    }
  }

  int offset_minutes = 0;
  if (pos == s.size()) {
    return Invalid(s,
                   "missing UTC offset: add 'Z' or '+HH:MM'/'-HH:MM' (a bare local time is "
                   "ambiguous)");
  }
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    const bool negative = s[pos] == '-';
    int off_hour = 0, off_minute = 0;
    if (!ReadDigits(s, pos + 1, 2, &off_hour) || s.size() < pos + 4 || s[pos + 3] != ':' ||
        !ReadDigits(s, pos + 4, 2, &off_minute)) {
      return Invalid(s, "expected the UTC offset as +HH:MM or -HH:MM");
    }
    if (off_hour > 23) {
      return Invalid(s, fmt::format("offset hour {:02d} is out of range 00-23", off_hour));
    }
    if (off_minute > 59) {
      return Invalid(s, fmt::format("offset minute {:02d} is out of range 00-59", off_minute));
    }
    offset_minutes = (negative ? -1 : 1) * (off_hour * 60 + off_minute);
    pos += 6;
  } else {
    return Invalid(s, "expected 'Z', '+HH:MM' or '-HH:MM' after the time");
  }
  if (pos != s.size()) return Invalid(s, "unexpected characters after the UTC offset");

  if (year < 1) return Invalid(s, "year 0000 is out of range 0001-9999");
  if (month < 1 || month > 12) {
    return Invalid(s, fmt::format("month {:02d} is out of range 01-12", month));
  }
  const unsigned days_in_month = DaysInMonth(year, static_cast<unsigned>(month));
  if (day < 1 || static_cast<unsigned>(day) > days_in_month) {
    if (month == 2 && day == 29) {
      return Invalid(s, fmt::format("day 29 is not valid for month 2: {:04d} is not a leap year",
                                    year));
    }
    return Invalid(s, fmt::format("day {} is not valid for month {} (it has {} days)", day,
                                  month, days_in_month));
  }
  if (hour > 23) return Invalid(s, fmt::format("hour {:02d} is out of range 00-23", hour));
  if (minute > 59) {
    return Invalid(s, fmt::format("minute {:02d} is out of range 00-59", minute));
  }
  if (second == 60) {
    return Invalid(s, "second 60 (a leap second) is not accepted: leap seconds are not used in "
                      "administrative records");
  }
  if (second > 59) {
    return Invalid(s, fmt::format("second {:02d} is out of range 00-59", second));
  }

  const std::int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t local_seconds =
      days * kSecondsPerDay + hour * 3600 + minute * 60 + second;
  const std::int64_t utc_seconds = local_seconds - std::int64_t{offset_minutes} * 60;
  return Timestamp{utc_seconds * kMicrosPerSecond + fraction_micros, offset_minutes};
}

std::string FormatRfc3339Utc(std::int64_t unix_micros) {
  return FormatRfc3339(unix_micros, 0, /*with_micros=*/true);
}

std::string FormatRfc3339(std::int64_t unix_micros, std::int32_t offset_minutes,
                          bool with_micros) {
  const std::int64_t local_micros =
      unix_micros + std::int64_t{offset_minutes} * 60 * kMicrosPerSecond;
  const std::int64_t local_seconds = FloorDiv(local_micros, kMicrosPerSecond);
  const std::int64_t micros = local_micros - local_seconds * kMicrosPerSecond;
  const std::int64_t days = FloorDiv(local_seconds, kSecondsPerDay);
  const std::int64_t second_of_day = local_seconds - days * kSecondsPerDay;
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);

  const int abs_offset = std::abs(offset_minutes);
  if (y < 0 || y > 9999 || abs_offset / 60 > 99) {
    // Outside what the function requires: fmt's widths, as they always were.
    std::string out = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", y, m, d,
                                  second_of_day / 3600, second_of_day / 60 % 60,
                                  second_of_day % 60);
    if (with_micros) out += fmt::format(".{:06d}", micros);
    if (offset_minutes == 0) {
      out.push_back('Z');
    } else {
      out += fmt::format("{}{:02d}:{:02d}", offset_minutes < 0 ? '-' : '+', abs_offset / 60,
                         abs_offset % 60);
    }
    return out;
  }
  // The fixed-width digits by hand: every case view renders a few dozen of
  // these, and fmt's parse of the format string was most of their cost.
  char buf[32];
  char* p = buf;
  auto digits = [&p](std::int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    p += width;
  };
  digits(y, 4);
  *p++ = '-';
  digits(m, 2);
  *p++ = '-';
  digits(d, 2);
  *p++ = 'T';
  digits(second_of_day / 3600, 2);
  *p++ = ':';
  digits(second_of_day / 60 % 60, 2);
  *p++ = ':';
  digits(second_of_day % 60, 2);
  if (with_micros) {
    *p++ = '.';
    digits(micros, 6);
  }
  if (offset_minutes == 0) {
    *p++ = 'Z';
  } else {
    *p++ = offset_minutes < 0 ? '-' : '+';
    digits(abs_offset / 60, 2);
    *p++ = ':';
    digits(abs_offset % 60, 2);
  }
  return std::string(buf, p);
}

}  // namespace zf::internal
