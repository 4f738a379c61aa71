#include "time/time_internal.h"

#include <algorithm>

#include <fmt/format.h>

namespace zf::internal {

Status CheckDate(const Date& date, std::string_view what) {
  if (date.IsValid()) return Status::Ok();
  return InvalidArgumentError(fmt::format(
      "invalid {} {}: not a calendar date within 0001-01-01..9999-12-31", what,
      date.ToString()));
}

Result<Date> DateInRange(std::int64_t day_number, std::string_view what) {
  if (day_number < kFirstDayNumber || day_number > kLastDayNumber) {
    return InvalidArgumentError(
        fmt::format("{} would fall outside 0001-01-01..9999-12-31", what));
  }
  return Date::FromDayNumber(day_number);
}

Result<std::vector<DayRange>> MergePauses(std::span<const ClockPause> pauses) {
  std::vector<DayRange> ranges;
  ranges.reserve(pauses.size());
  for (const ClockPause& pause : pauses) {
    ZF_RETURN_IF_ERROR(CheckDate(pause.from, "pause start"));
    ZF_RETURN_IF_ERROR(CheckDate(pause.to, "pause end"));
    if (pause.to < pause.from) {
      return InvalidArgumentError(
          fmt::format("clock pause {}..{} ends before it begins",
                      pause.from.ToString(), pause.to.ToString()));
    }
    if (pause.to == pause.from) continue;
    ranges.push_back({pause.from.DayNumber(), pause.to.DayNumber()});
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const DayRange& a, const DayRange& b) { return a.begin < b.begin; });
  // Two overlapping pauses (say appraisal during a hearing) stop the clock
  // once, not twice: a day is either running or not.
  std::vector<DayRange> merged;
  for (const DayRange& r : ranges) {
    if (!merged.empty() && r.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, r.end);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

std::int64_t OverlapDays(const std::vector<DayRange>& ranges, std::int64_t begin,
                         std::int64_t end) {
  std::int64_t total = 0;
  for (const DayRange& r : ranges) {
    const std::int64_t lo = std::max(r.begin, begin);
    const std::int64_t hi = std::min(r.end, end);
    if (hi > lo) total += hi - lo;
  }
  return total;
}

}  // namespace zf::internal
