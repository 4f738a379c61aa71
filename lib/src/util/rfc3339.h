// util/rfc3339.h — RFC 3339 timestamps and proleptic Gregorian date helpers.
//
// Event times (occurred_at, recorded_at) are RFC 3339 strings with an
// explicit UTC offset: a decision served "2023-09-12T09:30:00+08:00" must keep
// the offset it was written with, and statutory deadlines are counted in the
// local calendar, so both the instant and the offset are kept.
//
// Accepted grammar (a strict subset of RFC 3339 §5.6):
//   YYYY-MM-DD ('T' | 't') HH:MM:SS [ '.' 1*9DIGIT ] ( 'Z' | 'z' | ('+'|'-') HH:MM )
// - exactly these field widths; no spaces; no other separators;
// - an offset is REQUIRED: a bare local time is ambiguous and refused;
// - year 0001..9999, month 01..12, day valid for the month (leap years per
//   the Gregorian rule), hour 00..23, minute 00..59, second 00..59;
// - second 60 is REFUSED: leap seconds are not used in Chinese administrative
//   records, and accepting them would make two strings denote one instant;
// - offset hours 00..23, minutes 00..59; "-00:00" is accepted as offset 0;
// - fraction digits beyond the 6th are truncated (not rounded) to
//   microseconds.
//
// Example:
//   auto t = ParseRfc3339("2023-09-12T09:30:00+08:00");
//   // t->unix_micros == 1694482200000000, t->offset_minutes == 480
//   FormatRfc3339(t->unix_micros, t->offset_minutes, false)
//       == "2023-09-12T09:30:00+08:00"
//
// Thread safety: all functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "zf/result.h"

namespace zf::internal {

// An instant plus the UTC offset its text was written with.
struct Timestamp {
  // Microseconds since 1970-01-01T00:00:00Z (UTC), leap seconds not counted.
  std::int64_t unix_micros = 0;
  // Local time minus UTC, in minutes: +480 for "+08:00", 0 for "Z".
  std::int32_t offset_minutes = 0;

  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

// Parses `s` per the grammar above.
// Returns kInvalidArgument when `s` does not match it; the message names the
// broken rule and quotes the input, e.g.
//   invalid RFC 3339 timestamp "2023-04-31T10:00:00Z": day 31 is not valid
//   for month 4 (it has 30 days)
// The caller sets the subject (the field name or JSON pointer).
Result<Timestamp> ParseRfc3339(std::string_view s);

// "YYYY-MM-DDTHH:MM:SS.ffffffZ", always with 6 fraction digits, in UTC.
// Equal to FormatRfc3339(unix_micros, 0, true).
// REQUIRES: the instant lies in years 0001..9999 (UTC), so that the result
// parses back.
std::string FormatRfc3339Utc(std::int64_t unix_micros);

// The local time at `offset_minutes` from UTC, followed by the offset:
// "2023-09-12T09:30:00+08:00", or "2023-09-12T09:30:00.250000+08:00" when
// `with_micros`. An offset of 0 is written "Z" (so "+00:00" input comes back
// as "Z"). Without `with_micros` the sub-second part is dropped (truncated
// toward the past).
// REQUIRES: -1439 <= offset_minutes <= 1439 and the local time lies in years
// 0001..9999, so that the result parses back.
std::string FormatRfc3339(std::int64_t unix_micros, std::int32_t offset_minutes,
                          bool with_micros);

// --- Proleptic Gregorian calendar helpers --------------------------------
// Howard Hinnant's algorithms (http://howardhinnant.github.io/date_algorithms.html),
// exact for every date whose day count fits in int64_t and year fits in int.

// True for years divisible by 4, except centuries not divisible by 400.
// Year 0 (1 BC) is a leap year.
constexpr bool IsLeapYear(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

// Days in month `m` (1..12) of year `y`; 0 when `m` is out of range.
constexpr unsigned DaysInMonth(int y, unsigned m) {
  constexpr unsigned char kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  return (m == 2 && IsLeapYear(y)) ? 29u : kDays[m - 1];
}

// Days from 1970-01-01 to y-m-d (negative before it).
// REQUIRES: 1 <= m <= 12, 1 <= d <= DaysInMonth(y, m).
constexpr std::int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  const std::int64_t yy = static_cast<std::int64_t>(y) - (m <= 2 ? 1 : 0);
  const std::int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  const std::int64_t yoe = yy - era * 400;                                        // [0, 399]
  const std::int64_t mp = m > 2 ? m - 3 : m + 9;                                  // [0, 11]
  const std::int64_t doy = (153 * mp + 2) / 5 + static_cast<std::int64_t>(d) - 1;  // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                 // [0, 146096]
  return era * 146097 + doe - 719468;
}

// Inverse of DaysFromCivil: the date `days` after 1970-01-01.
// REQUIRES: y, m, d are non-null; the resulting year fits in int.
constexpr void CivilFromDays(std::int64_t days, int* y, unsigned* m, unsigned* d) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;                                   // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);            // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                 // [0, 11]
  const std::int64_t dd = doy - (153 * mp + 2) / 5 + 1;                        // [1, 31]
  const std::int64_t mm = mp < 10 ? mp + 3 : mp - 9;                           // [1, 12]
  *y = static_cast<int>(yoe + era * 400 + (mm <= 2 ? 1 : 0));
  *m = static_cast<unsigned>(mm);
  *d = static_cast<unsigned>(dd);
}

}  // namespace zf::internal
