// PausableDue: calendar-day clocks that stop and get extended (D9, D2).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "time/time_internal.h"
#include "zf/calendar.h"

namespace zf {
namespace {

struct Extension {
  std::int64_t approved_on = 0;
  std::int64_t days = 0;
};

Result<std::vector<Extension>> SortedExtensions(
    Date trigger, std::span<const ClockExtension> extensions) {
  std::vector<Extension> sorted;
  sorted.reserve(extensions.size());
  for (const ClockExtension& e : extensions) {
    ZF_RETURN_IF_ERROR(internal::CheckDate(e.approved_on, "extension approval date"));
    if (e.days < 1) {
      return InvalidArgumentError(fmt::format(
          "extension approved on {} must add at least 1 day, got {}",
          e.approved_on.ToString(), e.days));
    }
    if (e.approved_on < trigger) {
      return InvalidArgumentError(fmt::format(
          "extension approved on {} predates the clock's start {}",
          e.approved_on.ToString(), trigger.ToString()));
    }
    sorted.push_back({e.approved_on.DayNumber(), e.days});
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Extension& a, const Extension& b) {
                     return a.approved_on < b.approved_on;
                   });
  return sorted;
}

// Merged pauses, minus the trigger day: it is never counted, so pausing it
// changes nothing.
Result<std::vector<internal::DayRange>> RunningPauses(
    Date trigger, std::span<const ClockPause> pauses) {
  for (const ClockPause& p : pauses) {
    if (p.from.IsValid() && p.from < trigger) {
      return InvalidArgumentError(fmt::format(
          "clock pause starting {} predates the clock's start {}",
          p.from.ToString(), trigger.ToString()));
    }
  }
  ZF_ASSIGN_OR_RETURN(std::vector<internal::DayRange> merged,
                      internal::MergePauses(pauses));
  std::vector<internal::DayRange> running;
  for (internal::DayRange r : merged) {
    r.begin = std::max(r.begin, trigger.DayNumber() + 1);
    if (r.end > r.begin) running.push_back(r);
  }
  return running;
}

std::string DateText(std::int64_t day_number) {
  return Date::FromDayNumber(day_number).ToString();
}

}  // namespace

Result<Date> PausableDue(Date trigger, int days, std::span<const ClockPause> pauses,
                         std::span<const ClockExtension> extensions) {
  ZF_RETURN_IF_ERROR(internal::CheckDate(trigger, "trigger date"));
  if (days < 1) {
    return InvalidArgumentError(
        fmt::format("a clock must run at least 1 day, got {}", days));
  }
  ZF_ASSIGN_OR_RETURN(std::vector<internal::DayRange> stops,
                      RunningPauses(trigger, pauses));
  ZF_ASSIGN_OR_RETURN(std::vector<Extension> grants,
                      SortedExtensions(trigger, extensions));

  // Replay pauses and extensions in date order, because whether each one is
  // allowed depends on the due date in force when it happened: an extension
  // granted after the clock ran out cannot revive it (scenario 9 variant).
  // Both only ever move the due date later, so same-day order is irrelevant.
  std::int64_t due = trigger.DayNumber() + days;
  std::size_t p = 0, e = 0;
  while (p < stops.size() || e < grants.size()) {
    const bool pause_next =
        e == grants.size() ||
        (p < stops.size() && stops[p].begin <= grants[e].approved_on);
    if (pause_next) {
      const internal::DayRange& stop = stops[p++];
      if (stop.begin > due) {
        return FailedPreconditionError(fmt::format(
            "clock pause starting {} came after the due date {}: the deadline "
            "had already been breached",
            DateText(stop.begin), DateText(due)));
      }
      // Every paused day is a day the clock did not run.
      due += stop.end - stop.begin;
    } else {
      const Extension& grant = grants[e++];
      if (grant.approved_on > due) {
        return FailedPreconditionError(fmt::format(
            "extension approved on {} came after the due date {}: the deadline "
            "had already been breached",
            DateText(grant.approved_on), DateText(due)));
      }
      due += grant.days;
    }
  }
  return internal::DateInRange(due, "the due date");
}

}  // namespace zf
