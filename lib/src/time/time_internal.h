// time/time_internal.h — helpers shared by the calendar and clock code.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "zf/calendar.h"
#include "zf/result.h"
#include "zf/status.h"

namespace zf::internal {

// Day numbers of 0001-01-01 and 9999-12-31, the range of a valid Date.
inline constexpr std::int64_t kFirstDayNumber = -719162;
inline constexpr std::int64_t kLastDayNumber = 2932896;

// OK, or kInvalidArgument "invalid <what> 2023-02-30: ..." when `date` is
// not a valid Date. `what` names the parameter ("trigger date").
Status CheckDate(const Date& date, std::string_view what);

// The date with `day_number`, or kInvalidArgument naming `what` when it lies
// outside 0001-01-01..9999-12-31.
Result<Date> DateInRange(std::int64_t day_number, std::string_view what);

// Half-open range of day numbers [begin, end).
struct DayRange {
  std::int64_t begin = 0;
  std::int64_t end = 0;
};

// The union of `pauses` as sorted, disjoint, non-adjacent, non-empty ranges
// [from, to). Returns kInvalidArgument when a date is invalid or to < from.
Result<std::vector<DayRange>> MergePauses(std::span<const ClockPause> pauses);

// How many days of [begin, end) lie in `ranges` (sorted and disjoint).
std::int64_t OverlapDays(const std::vector<DayRange>& ranges, std::int64_t begin,
                         std::int64_t end);

}  // namespace zf::internal
