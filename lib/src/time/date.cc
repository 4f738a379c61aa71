// Date: parsing, formatting and calendar arithmetic without holiday data.
#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "time/time_internal.h"
#include "util/quote.h"
#include "util/rfc3339.h"
#include "zf/calendar.h"

namespace zf {
namespace {

using internal::DaysFromCivil;
using internal::DaysInMonth;

std::string Quote(std::string_view s) { return internal::QuoteForMessage(s, 32); }

Status InvalidText(std::string_view text, std::string_view why) {
  return InvalidArgumentError(
      fmt::format("invalid date {}: {} (expected YYYY-MM-DD)", Quote(text), why));
}

// Reads exactly `n` ASCII digits at text[pos..pos+n). std::from_chars would
// also accept fewer digits, which the strict format forbids.
bool ReadDigits(std::string_view text, std::size_t pos, std::size_t n,
                unsigned* value) {
  unsigned v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(text[i] - '0');
  }
  *value = v;
  return true;
}

}  // namespace

static_assert(internal::kFirstDayNumber == DaysFromCivil(1, 1, 1));
static_assert(internal::kLastDayNumber == DaysFromCivil(9999, 12, 31));

Result<Date> Date::Parse(std::string_view text) {
  unsigned year = 0, month = 0, day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !ReadDigits(text, 0, 4, &year) || !ReadDigits(text, 5, 2, &month) ||
      !ReadDigits(text, 8, 2, &day)) {
    return InvalidText(text, "not of the form YYYY-MM-DD");
  }
  if (year < 1) return InvalidText(text, "year 0000 is out of range 0001-9999");
  if (month < 1 || month > 12) {
    return InvalidText(text, fmt::format("month {:02d} is out of range 01-12", month));
  }
  const Date date{static_cast<int>(year), month, day};
  const unsigned days_in_month = DaysInMonth(date.year, month);
  if (day < 1 || day > days_in_month) {
    return InvalidText(text, fmt::format("day {:02d} is not valid for {}-{:02d} "
                                         "(it has {} days)",
                                         day, date.year, month, days_in_month));
  }
  return date;
}

Date Date::FromDayNumber(std::int64_t day_number) {
  Date date;
  internal::CivilFromDays(day_number, &date.year, &date.month, &date.day);
  return date;
}

std::int64_t Date::DayNumber() const { return DaysFromCivil(year, month, day); }

Weekday Date::weekday() const {
  // 1970-01-01 was a Thursday (ISO 4).
  const std::int64_t since_monday = (DayNumber() % 7 + 7 + 3) % 7;
  return static_cast<Weekday>(since_monday + 1);
}

bool Date::IsWeekend() const { return weekday() >= Weekday::kSaturday; }

bool Date::IsValid() const {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= DaysInMonth(year, month);
}

std::string Date::ToString() const {
  if (year < 0 || year > 9999 || month > 99 || day > 99) {
    return fmt::format("{:04d}-{:02d}-{:02d}", year, month, day);
  }
  // By hand: deciders and case views write many dates, and fmt's parse of
  // the format string was most of the cost of each.
  char text[10];
  auto put = [&text](int at, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) {
      text[at + i] = static_cast<char>('0' + value % 10);
    }
  };
  put(0, static_cast<unsigned>(year), 4);
  text[4] = '-';
  put(5, month, 2);
  text[7] = '-';
  put(8, day, 2);
  return std::string(text, sizeof(text));
}

std::ostream& operator<<(std::ostream& os, const Date& d) {
  return os << d.ToString();
}

Date AddCalendarDays(Date date, int n) {
  return Date::FromDayNumber(date.DayNumber() + n);
}

Date AddMonths(Date date, int n) {
  // Count months from year 0 so that negative n borrows years correctly.
  const std::int64_t index = std::int64_t{date.year} * 12 + (date.month - 1) + n;
  const std::int64_t year = index >= 0 ? index / 12 : (index - 11) / 12;
  Date moved;
  moved.year = static_cast<int>(year);
  moved.month = static_cast<unsigned>(index - year * 12 + 1);
  // Civil Code art. 202: no matching date -> the last day of the month.
  moved.day = std::min(date.day, DaysInMonth(moved.year, moved.month));
  return moved;
}

Date AddYears(Date date, int n) { return AddMonths(date, 12 * n); }

std::int64_t DaysBetween(Date from, Date to) {
  return to.DayNumber() - from.DayNumber();
}

}  // namespace zf
