// DueDate: one statutory period applied to a trigger date.
#include <fmt/format.h>

#include "time/time_internal.h"
#include "zf/calendar.h"

namespace zf {
namespace {

// The raw end of a calendar-day, month or year period. Month and year
// amounts are bounded first so that an absurd amount cannot overflow the
// year; the caller checks the result's range.
Result<Date> AddPeriod(Date trigger, const PeriodSpec& period) {
  constexpr std::int64_t kMaxYears = 9999;
  switch (period.unit) {
    case PeriodUnit::kCalendarDays:
      return internal::DateInRange(trigger.DayNumber() + period.amount, "the due date");
    case PeriodUnit::kMonths:
      if (period.amount / 12 > kMaxYears) break;
      return AddMonths(trigger, period.amount);
    case PeriodUnit::kYears:
      if (period.amount > kMaxYears) break;
      return AddYears(trigger, period.amount);
    case PeriodUnit::kWorkingDays:
      return InternalError("working-day periods are counted by AddWorkingDays");
  }
  return InvalidArgumentError("the due date would fall outside 0001-01-01..9999-12-31");
}

bool ExtendsOnRestDay(DeadlineBearer bearer, const ClockOptions& options) {
  return bearer == DeadlineBearer::kParty ? options.extend_party_deadline_on_rest_day
                                          : options.extend_agency_deadline_on_rest_day;
}

Status CheckPeriod(const PeriodSpec& period) {
  const int unit = static_cast<int>(period.unit);
  if (unit < static_cast<int>(PeriodUnit::kWorkingDays) ||
      unit > static_cast<int>(PeriodUnit::kYears)) {
    return InvalidArgumentError(fmt::format("unknown period unit {}", unit));
  }
  const int bearer = static_cast<int>(period.bearer);
  if (bearer != static_cast<int>(DeadlineBearer::kParty) &&
      bearer != static_cast<int>(DeadlineBearer::kAgency)) {
    return InvalidArgumentError(fmt::format("unknown deadline bearer {}", bearer));
  }
  if (period.amount < 1) {
    return InvalidArgumentError(
        fmt::format("a period must be at least 1 unit long, got {}", period.amount));
  }
  return Status::Ok();
}

}  // namespace

Result<Date> DueDate(const WorkingDayCalendar& cal, Date trigger,
                     const PeriodSpec& period, const ClockOptions& options) {
  ZF_RETURN_IF_ERROR(internal::CheckDate(trigger, "trigger date"));
  ZF_RETURN_IF_ERROR(CheckPeriod(period));
  if (period.unit == PeriodUnit::kWorkingDays) {
    return AddWorkingDays(cal, trigger, period.amount);
  }
  ZF_ASSIGN_OR_RETURN(Date due, AddPeriod(trigger, period));
  if (!due.IsValid()) {
    return InvalidArgumentError(fmt::format(
        "the due date {} falls outside 0001-01-01..9999-12-31", due.ToString()));
  }
  // Only consult the calendar when the policy asks for it: an agency
  // deadline under the default policy needs no holiday data at all.
  if (!ExtendsOnRestDay(period.bearer, options)) return due;
  return FirstWorkingDayOnOrAfter(cal, due);
}

}  // namespace zf
