// WorkingDayCalendar and working-day counting.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "time/time_internal.h"
#include "util/rfc3339.h"
#include "zf/calendar.h"

namespace zf {
namespace {

// Index of `date` within its year: 0 for Jan 1.
std::size_t DayOfYear(const Date& date) {
  return static_cast<std::size_t>(date.DayNumber() -
                                  internal::DaysFromCivil(date.year, 1, 1));
}

Status CheckInYear(int year, const Date& date, std::string_view list) {
  ZF_RETURN_IF_ERROR(internal::CheckDate(date, list));
  if (date.year != year) {
    return InvalidArgumentError(fmt::format(
        "{} {} is outside year {}: each year's arrangement lists only its own "
        "dates",
        list, date.ToString(), year));
  }
  return Status::Ok();
}

}  // namespace

Result<WorkingDayCalendar::YearBits> WorkingDayCalendar::BuildYear(
    int year, const std::vector<Date>& holidays,
    const std::vector<Date>& makeup_workdays) {
  if (year < 1 || year > 9999) {
    return InvalidArgumentError(
        fmt::format("calendar year {} is out of range 0001-9999", year));
  }
  YearBits is_holiday;
  for (const Date& d : holidays) {
    ZF_RETURN_IF_ERROR(CheckInYear(year, d, "holiday"));
    // A repeated date is harmless in itself, but in reference data typed by
    // hand it usually stands for a different date that was meant.
    if (is_holiday.test(DayOfYear(d))) {
      return InvalidArgumentError(
          fmt::format("holiday {} is listed twice", d.ToString()));
    }
    is_holiday.set(DayOfYear(d));
  }
  YearBits is_makeup;
  for (const Date& d : makeup_workdays) {
    ZF_RETURN_IF_ERROR(CheckInYear(year, d, "make-up workday"));
    if (is_makeup.test(DayOfYear(d))) {
      return InvalidArgumentError(
          fmt::format("make-up workday {} is listed twice", d.ToString()));
    }
    // 调休 only ever turns a weekend day into a workday; a weekday in this
    // list is a data-entry error that would otherwise go unnoticed.
    if (!d.IsWeekend()) {
      return InvalidArgumentError(fmt::format(
          "make-up workday {} is not a Saturday or Sunday", d.ToString()));
    }
    if (is_holiday.test(DayOfYear(d))) {
      return InvalidArgumentError(fmt::format(
          "{} is listed both as a holiday and as a make-up workday", d.ToString()));
    }
    is_makeup.set(DayOfYear(d));
  }

  YearBits working;
  const std::int64_t jan1 = internal::DaysFromCivil(year, 1, 1);
  const std::int64_t days = internal::IsLeapYear(year) ? 366 : 365;
  for (std::int64_t i = 0; i < days; ++i) {
    const auto index = static_cast<std::size_t>(i);
    const bool weekday = !Date::FromDayNumber(jan1 + i).IsWeekend();
    working[index] = (weekday && !is_holiday[index]) || is_makeup[index];
  }
  return working;
}

Status WorkingDayCalendar::AddYear(int year, std::vector<Date> holidays,
                                   std::vector<Date> makeup_workdays) {
  if (HasYear(year)) {
    return AlreadyExistsError(fmt::format(
        "the working-day calendar already holds year {}; use ReplaceYear for a "
        "revised arrangement",
        year));
  }
  ZF_ASSIGN_OR_RETURN(YearBits bits, BuildYear(year, holidays, makeup_workdays));
  years_.emplace(year, bits);
  return Status::Ok();
}

Status WorkingDayCalendar::ReplaceYear(int year, std::vector<Date> holidays,
                                       std::vector<Date> makeup_workdays) {
  auto it = years_.find(year);
  if (it == years_.end()) {
    return NotFoundError(fmt::format(
        "the working-day calendar holds no year {} to replace; use AddYear", year));
  }
  ZF_ASSIGN_OR_RETURN(YearBits bits, BuildYear(year, holidays, makeup_workdays));
  it->second = bits;
  return Status::Ok();
}

bool WorkingDayCalendar::HasYear(int year) const { return years_.contains(year); }

Result<bool> WorkingDayCalendar::IsWorkingDay(Date date) const {
  ZF_RETURN_IF_ERROR(internal::CheckDate(date, "date"));
  auto it = years_.find(date.year);
  if (it == years_.end()) {
    // Guessing "weekends only" would silently move statutory deadlines by
    // the length of a Golden Week; refuse instead.
    return FailedPreconditionError(fmt::format(
        "the working-day calendar has no holiday arrangement for year {} "
        "(needed for {}); load it before computing deadlines in {}",
        date.year, date.ToString(), date.year));
  }
  return it->second.test(DayOfYear(date));
}

Result<Date> FirstWorkingDayOnOrAfter(const WorkingDayCalendar& cal, Date date) {
  ZF_RETURN_IF_ERROR(internal::CheckDate(date, "date"));
  for (std::int64_t day = date.DayNumber();; ++day) {
    ZF_ASSIGN_OR_RETURN(Date d, internal::DateInRange(day, "the next working day"));
    // Terminates: every year has working days, and a missing year fails.
    ZF_ASSIGN_OR_RETURN(bool working, cal.IsWorkingDay(d));
    if (working) return d;
  }
}

Result<Date> AddWorkingDays(const WorkingDayCalendar& cal, Date trigger, int n) {
  ZF_RETURN_IF_ERROR(internal::CheckDate(trigger, "trigger date"));
  if (n < 1) {
    return InvalidArgumentError(
        fmt::format("a working-day period must be at least 1 day, got {}", n));
  }
  // The trigger day itself is never counted (Civil Code art. 201), even when
  // it is a working day and even when the calendar lacks its year.
  std::int64_t day = trigger.DayNumber();
  for (int counted = 0; counted < n;) {
    ++day;
    ZF_ASSIGN_OR_RETURN(Date d, internal::DateInRange(day, "the due date"));
    ZF_ASSIGN_OR_RETURN(bool working, cal.IsWorkingDay(d));
    if (working) ++counted;
  }
  return Date::FromDayNumber(day);
}

Result<int> WorkingDaysStrictlyBetween(const WorkingDayCalendar& cal, Date a,
                                       Date b) {
  ZF_RETURN_IF_ERROR(internal::CheckDate(a, "start date"));
  ZF_RETURN_IF_ERROR(internal::CheckDate(b, "end date"));
  if (b < a) {
    return InvalidArgumentError(fmt::format(
        "end date {} is before start date {}", b.ToString(), a.ToString()));
  }
  int count = 0;
  for (std::int64_t day = a.DayNumber() + 1; day < b.DayNumber(); ++day) {
    ZF_ASSIGN_OR_RETURN(bool working, cal.IsWorkingDay(Date::FromDayNumber(day)));
    if (working) ++count;
  }
  return count;
}

namespace {

// The days of first..last whose working-day status is `working` and whose
// weekend status is `weekend` (any when nullopt).
Result<std::vector<Date>> DaysIn(const WorkingDayCalendar& cal, Date first, Date last, bool working,
                                 std::optional<bool> weekend) {
  ZF_RETURN_IF_ERROR(internal::CheckDate(first, "start date"));
  ZF_RETURN_IF_ERROR(internal::CheckDate(last, "end date"));
  if (last < first) {
    return InvalidArgumentError(fmt::format("end date {} is before start date {}",
                                            last.ToString(), first.ToString()));
  }
  std::vector<Date> out;
  for (std::int64_t day = first.DayNumber(); day <= last.DayNumber(); ++day) {
    const Date d = Date::FromDayNumber(day);
    ZF_ASSIGN_OR_RETURN(bool is_working, cal.IsWorkingDay(d));
    if (is_working == working && (!weekend || d.IsWeekend() == *weekend)) out.push_back(d);
  }
  return out;
}

}  // namespace

Result<std::vector<Date>> NonWorkingDaysIn(const WorkingDayCalendar& cal, Date first, Date last) {
  return DaysIn(cal, first, last, false, std::nullopt);
}

Result<std::vector<Date>> MakeupWorkdaysIn(const WorkingDayCalendar& cal, Date first, Date last) {
  return DaysIn(cal, first, last, true, true);
}

}  // namespace zf
