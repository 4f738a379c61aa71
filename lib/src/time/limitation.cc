// Limitation on penalties (D1, APL art. 36).
#include <fmt/format.h>

#include "time/time_internal.h"
#include "zf/calendar.h"

namespace zf {

Result<Date> LimitationLastDay(Date act_ended, int years) {
  ZF_RETURN_IF_ERROR(internal::CheckDate(act_ended, "act end date"));
  if (years < 1 || years > 9999) {
    return InvalidArgumentError(
        fmt::format("limitation period of {} years is out of range 1-9999", years));
  }
  // The end day is not counted and a year period ends on the matching date
  // (Civil Code arts. 201-202), which is exactly AddYears.
  const Date last = AddYears(act_ended, years);
  if (!last.IsValid()) {
    return InvalidArgumentError(fmt::format(
        "limitation end {} falls outside 0001-01-01..9999-12-31", last.ToString()));
  }
  return last;
}

Result<bool> WithinLimitation(Date act_ended, Date discovered_on, int years) {
  ZF_RETURN_IF_ERROR(internal::CheckDate(discovered_on, "discovery date"));
  ZF_ASSIGN_OR_RETURN(Date last, LimitationLastDay(act_ended, years));
  return discovered_on <= last;
}

}  // namespace zf
