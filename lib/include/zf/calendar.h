// zf/calendar.h — civil dates, the statutory working-day calendar and the
// deadline arithmetic of docs/domain.md, Conventions and Deadlines.
//
// Every statutory deadline zf tracks (D1–D25) is computed here from a
// trigger date, a period and calendar reference data. All functions are
// pure, so replaying the same events against the same calendar data
// reproduces the same due dates.
//
// Counting rules (docs/domain.md, Conventions; Civil Code arts. 201–203, APL art. 85):
//  - The trigger day is not counted: a period of n days (or months, or
//    years) begins on the day after the triggering event.
//  - Periods the APL writes as "2, 3, 5 or 7 days" count WORKING days:
//    Monday–Friday except statutory holidays, plus official make-up
//    workdays (调休). Such a period always ends on a working day.
//  - Every other period counts CALENDAR days, months or years. Month and
//    year periods end on the matching date, or on the last day of the month
//    when that month has no matching date (Jan 31 + 1 month = Feb 28/29).
//  - Whether a calendar-day/month/year period whose last day is a rest day
//    moves to the next working day is a [U][C] policy per bearer; see
//    ClockOptions.
//  - Thresholds are inclusive: an act on the due date is in time;
//    the deadline is breached on the day after it (see Breached()).
//
// Dates are civil dates in the local calendar (China Standard Time). No time
// of day or offset is involved: an event's occurred_at is converted to its
// local date by the caller.
//
// The holiday calendar is reference data that the State Council publishes
// year by year (and occasionally amends). zf never hard-codes it: the engine
// loads it from events into a WorkingDayCalendar, and any computation that
// needs a year the calendar does not hold fails with kFailedPrecondition
// rather than guessing.
//
// Example:
//   zf::WorkingDayCalendar cal;
//   ZF_RETURN_IF_ERROR(cal.AddYear(2023, holidays_2023, makeup_workdays_2023));
//   ZF_ASSIGN_OR_RETURN(zf::Date served, zf::Date::Parse("2023-09-27"));
//   // D7: a hearing request is due within 5 working days of service.
//   zf::PeriodSpec d7{zf::PeriodUnit::kWorkingDays, 5, zf::DeadlineBearer::kParty};
//   ZF_ASSIGN_OR_RETURN(zf::Date due, zf::DueDate(cal, served, d7));
//   // due == zf::Date{2023, 10, 10} (National Day holiday and make-up days)
//   bool late = zf::Breached(due, zf::Date{2023, 10, 11});  // true
//
// Thread safety: Date and the option structs are value types; the free
// functions are pure. A WorkingDayCalendar's const methods may be called
// concurrently; AddYear()/ReplaceYear() must not run concurrently with any
// other call on the same object.
#pragma once

#include <bitset>
#include <compare>
#include <cstdint>
#include <map>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zf/export.h"
#include "zf/result.h"
#include "zf/status.h"

namespace zf {

// ISO 8601 weekday numbers.
enum class Weekday : int {
  kMonday = 1,
  kTuesday = 2,
  kWednesday = 3,
  kThursday = 4,
  kFriday = 5,
  kSaturday = 6,
  kSunday = 7,
};

// A proleptic Gregorian civil date. An aggregate: Date{2023, 9, 27}.
//
// A Date is valid when 0001 <= year <= 9999, 1 <= month <= 12 and the day
// exists in that month. A default-constructed Date{} is 0000-00-00, which is
// NOT valid, so a forgotten field is caught by the functions below that
// return a Result (they all return kInvalidArgument for an invalid Date).
// Functions returning a plain Date instead state REQUIRES: valid input.
struct ZF_EXPORT Date {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;

  // Parses strict ISO 8601 calendar-date text "YYYY-MM-DD": exactly four
  // year digits, two month digits, two day digits, '-' separators, nothing
  // else (no time, no spaces, no sign).
  // Returns the date, or kInvalidArgument when the text does not match or
  // names a date that does not exist (year 0000, month 13, 2023-02-29,
  // 2023-04-31); the message quotes the input and names the broken rule.
  static Result<Date> Parse(std::string_view text);

  // The date `day_number` days after 1970-01-01 (negative: before it).
  // The result may be invalid (outside 0001..9999) when day_number is.
  static Date FromDayNumber(std::int64_t day_number);

  // Days from 1970-01-01 to this date (negative before it). Consecutive
  // dates have consecutive day numbers.
  // REQUIRES: IsValid().
  std::int64_t DayNumber() const;

  // REQUIRES: IsValid().
  Weekday weekday() const;

  // True on Saturday and Sunday, whatever the holiday calendar says.
  // REQUIRES: IsValid().
  bool IsWeekend() const;

  // See the class comment.
  bool IsValid() const;

  // "YYYY-MM-DD"; Parse(d.ToString()) == d for every valid d. An invalid
  // date prints its fields as they are ("0000-00-00"), for diagnostics.
  std::string ToString() const;

  friend bool operator==(const Date&, const Date&) = default;
  // Chronological order for valid dates.
  friend auto operator<=>(const Date&, const Date&) = default;
};

// Writes d.ToString().
ZF_EXPORT std::ostream& operator<<(std::ostream& os, const Date& d);

// --- Calendar arithmetic (no holiday data needed) --------------------------

// `date` moved by `n` calendar days (n may be negative or zero).
// REQUIRES: date.IsValid(); the result lies within 0001..9999.
ZF_EXPORT Date AddCalendarDays(Date date, int n);

// `date` moved by `n` months (n may be negative), landing on the matching
// day of the month, or on the month's last day when it has no matching day:
// 2024-01-31 + 1 month = 2024-02-29, 2023-01-31 + 1 month = 2023-02-28.
// REQUIRES: date.IsValid(); the result lies within 0001..9999.
ZF_EXPORT Date AddMonths(Date date, int n);

// `date` moved by `n` years; Feb 29 lands on Feb 28 in a common year.
// REQUIRES: date.IsValid(); the result lies within 0001..9999.
ZF_EXPORT Date AddYears(Date date, int n);

// to.DayNumber() - from.DayNumber(): 2023-10-18 minus 2023-10-10 is 8.
// REQUIRES: both valid.
ZF_EXPORT std::int64_t DaysBetween(Date from, Date to);

// --- The statutory working-day calendar ------------------------------------

// The PRC statutory holiday arrangement, one year at a time: which dates are
// holidays and which weekend dates are make-up workdays (调休). A date is a
// working day when it is (Monday–Friday and not a holiday) or a make-up
// workday. A year the calendar does not hold is unknown, never assumed to
// be "weekends only".
//
// A copyable value type (reference data, typically one instance shared
// read-only by the engine). Thread safety: see the file comment.
class ZF_EXPORT WorkingDayCalendar {
 public:
  // An empty calendar: it holds no year.
  WorkingDayCalendar() = default;

  // Loads the arrangement for `year`.
  // `holidays` may include weekend dates (a holiday on a Sunday changes
  // nothing, but the published lists include them). Every make-up workday
  // must be a Saturday or a Sunday.
  // Returns OK, or
  //  - kInvalidArgument when `year` is outside 0001..9999, a date is invalid,
  //    lies outside `year` (Dec 31 of the previous year belongs to that
  //    year's arrangement), appears twice in a list, appears in both lists,
  //    or a make-up workday is a weekday; the calendar is unchanged;
  //  - kAlreadyExists when `year` was added already (use ReplaceYear() for
  //    a revised arrangement; years are versioned by the reference stream).
  Status AddYear(int year, std::vector<Date> holidays,
                 std::vector<Date> makeup_workdays);

  // Like AddYear(), but for a year already held: the new arrangement
  // replaces the old one. Returns kNotFound when `year` is not held, and
  // kInvalidArgument as AddYear() does (the old arrangement is then kept).
  Status ReplaceYear(int year, std::vector<Date> holidays,
                     std::vector<Date> makeup_workdays);

  // True when AddYear() succeeded for `year`.
  bool HasYear(int year) const;

  // Returns whether `date` is a working day, or
  //  - kInvalidArgument when `date` is invalid;
  //  - kFailedPrecondition when the calendar holds no data for date.year;
  //    the message names the year.
  Result<bool> IsWorkingDay(Date date) const;

 private:
  // Bit i is set when day i of the year (0 = Jan 1) is a working day.
  using YearBits = std::bitset<366>;

  static Result<YearBits> BuildYear(int year, const std::vector<Date>& holidays,
                                    const std::vector<Date>& makeup_workdays);

  std::map<int, YearBits> years_;
};

// The first working day on or after `date`: `date` itself when it is one.
// Returns kInvalidArgument for an invalid date, kFailedPrecondition naming
// the first year the search needs and the calendar lacks.
ZF_EXPORT Result<Date> FirstWorkingDayOnOrAfter(const WorkingDayCalendar& cal,
                                                Date date);

// The date `n` working days after `trigger`. The trigger day is not counted,
// whatever it is; the result is always a working day.
// Example: served Wed 2023-09-27, n = 5 -> 2023-10-10 (counting 28 Sep,
// 7 Oct and 8 Oct (make-up), 9 Oct, 10 Oct).
// Returns kInvalidArgument when n < 1, `trigger` is invalid or the result
// would pass 9999-12-31; kFailedPrecondition naming the first year the
// count enters and the calendar lacks.
ZF_EXPORT Result<Date> AddWorkingDays(const WorkingDayCalendar& cal,
                                      Date trigger, int n);

// The number of working days d with a < d < b (both ends excluded); 0 when
// b <= a + 1. D8 requires at least 7 between a hearing notice and the
// hearing: served 2023-10-11, a hearing on 2023-10-20 leaves 6, one on
// 2023-10-23 leaves 7.
// Returns kInvalidArgument when a date is invalid or b < a;
// kFailedPrecondition naming a year strictly between them that the calendar
// lacks.
ZF_EXPORT Result<int> WorkingDaysStrictlyBetween(const WorkingDayCalendar& cal,
                                                 Date a, Date b);

// The days d with first <= d <= last that are not working days (weekends
// and holidays), in order; and the weekend days in that span the calendar
// makes working days (make-up workdays, 调休上班). What an explanation of a
// deadline lists as the days that moved it.
// Returns kInvalidArgument when a date is invalid or last < first;
// kFailedPrecondition naming a year in the span the calendar lacks.
ZF_EXPORT Result<std::vector<Date>> NonWorkingDaysIn(const WorkingDayCalendar& cal, Date first,
                                                     Date last);
ZF_EXPORT Result<std::vector<Date>> MakeupWorkdaysIn(const WorkingDayCalendar& cal, Date first,
                                                     Date last);

// --- Deadline rules --------------------------------------------------------

// Persisted in deadline rules (configuration and events): do not renumber.
enum class PeriodUnit : int {
  kWorkingDays = 1,
  kCalendarDays = 2,
  kMonths = 3,
  kYears = 4,
};

// Who must act before the deadline. Persisted: do not renumber.
enum class DeadlineBearer : int {
  // The party (当事人): a request, a payment, an application.
  kParty = 1,
  // The agency: a decision, a service, a publication.
  kAgency = 2,
};

// A statutory period, e.g. D7 = {kWorkingDays, 5, kParty},
// D16 = {kCalendarDays, 15, kParty}, D20 = {kMonths, 6, kParty}.
struct PeriodSpec {
  PeriodUnit unit = PeriodUnit::kCalendarDays;
  // Number of units; must be >= 1.
  int amount = 0;
  DeadlineBearer bearer = DeadlineBearer::kAgency;
};

// The rest-day rule of Civil Code art. 203 (the last day of a period falling
// on a rest day moves to the next working day) is certain for parties and
// [U] for agencies' own deadlines (docs/domain.md, Conventions), hence one [C] flag per bearer.
// The flags affect calendar-day, month and year periods only: working-day
// periods end on a working day by construction.
struct ClockOptions {
  // Move a party's calendar-day/month/year due date that falls on a rest
  // day to the next working day.
  bool extend_party_deadline_on_rest_day = true;
  // The same for the agency's own deadlines.
  bool extend_agency_deadline_on_rest_day = false;
};

// The last day on which the act bound by `period` is in time, for a period
// triggered on `trigger` (the trigger day is not counted; see the file
// comment). Example: D16 served Mon 2024-03-04, {kCalendarDays, 15, kParty}
// -> Tue 2024-03-19.
// Calendar data is consulted for working-day periods and, when the bearer's
// ClockOptions flag is set, to move a rest-day due date; otherwise not.
// Returns kInvalidArgument when `trigger` is invalid, amount < 1, the unit or
// bearer is not one of the enumerators, or the due date would pass
// 9999-12-31; kFailedPrecondition naming a year the calendar lacks.
ZF_EXPORT Result<Date> DueDate(const WorkingDayCalendar& cal, Date trigger,
                               const PeriodSpec& period,
                               const ClockOptions& options = ClockOptions());

// True when `today` is after `due`: an act on the due date is in time, and a
// deadline breaches on the day after it (deadline_breached is emitted then).
inline bool Breached(Date due, Date today) { return today > due; }

// --- Pausable clocks (D9 decision limit, D2 verification limit) ------------

// A period during which a calendar-day clock does not run (appraisal,
// testing, hearing, public notice, suspension; or, for the late surcharge,
// a pending reconsideration or lawsuit).
//
// The paused days are from, from+1, ..., to-1: `from` is the day the pause
// began (clock_paused) and is NOT counted; `to` is the day the clock resumed
// (clock_resumed) and IS counted again. A pause therefore removes exactly
// DaysBetween(from, to) days: 2023-10-10 -> 2023-10-18 removes 8 days.
// from == to is an empty pause. A pause still in progress has no `to` yet:
// for LateSurcharge pass any date after `as_of`; for PausableDue the result
// is then the due date as if the clock resumed on the `to` passed.
struct ClockPause {
  Date from;
  Date to;
};

// An approved extension of a calendar-day clock by `days` (>= 1). It must be
// approved on or before the due date it extends.
struct ClockExtension {
  Date approved_on;
  int days = 0;
};

// The due date of a `days`-calendar-day clock started on `trigger` (not
// counted), with the given pauses and extensions applied in chronological
// order. Overlapping pauses count their shared days once; a pause beginning
// on the trigger day only removes the days after it. No rest-day rule is
// applied (the D9 limit is the agency's); a caller whose policy extends
// agency deadlines applies FirstWorkingDayOnOrAfter() to the result.
// Example (scenario 9): filed 2023-09-12, 90 days -> 2023-12-11; paused
// 2023-10-10..2023-10-18 -> 2023-12-19; extended by 30 days approved
// 2023-12-01 -> 2024-01-18, breached on 2024-01-19.
// Returns
//  - kInvalidArgument when a date is invalid, days < 1, a pause has to <
//    from or begins before `trigger`, an extension has days < 1 or was
//    approved before `trigger`, or the due date would pass 9999-12-31;
//  - kFailedPrecondition when an extension was approved, or a pause began,
//    after the due date in force at that time: the clock had already
//    breached and a breach cannot be undone (the message says which).
ZF_EXPORT Result<Date> PausableDue(Date trigger, int days,
                                   std::span<const ClockPause> pauses,
                                   std::span<const ClockExtension> extensions);

// --- Late-payment surcharge (D17, APL arts. 72–73) --------------------------

struct SurchargeOptions {
  // Surcharge per day, in thousandths of the fine: 30 = 3% (APL art. 72).
  // Must be in 1..1000.
  int rate_per_mille = 30;

  // How the total is rounded to the fen. [U][C] (docs/domain.md, Conventions); default down.
  // Persisted in configuration: do not renumber.
  enum class Rounding : int { kDown = 0, kHalfUp = 1 };
  Rounding rounding = Rounding::kDown;
};

// The number of days on which a surcharge accrues by `as_of` (inclusive):
// the days payment_due+1 .. as_of that lie in no pause (ClockPause
// semantics: `from` paused, `to` accruing again). Pauses may begin before
// payment_due; 0 when as_of <= payment_due.
// Returns kInvalidArgument when a date is invalid or a pause has to < from.
ZF_EXPORT Result<std::int64_t> SurchargeAccrualDays(
    Date payment_due, Date as_of, std::span<const ClockPause> review_pauses);

// The late-payment surcharge in fen owed on `as_of` for a fine of
// `fine_fen` due on `payment_due`: fine * rate_per_mille / 1000 per accrual
// day (see SurchargeAccrualDays: pending reconsideration or litigation
// pauses it, APL art. 73), capped at the fine (APL art. 72). The total is
// computed exactly and rounded once, so no per-day rounding error builds up.
// Example (scenario 10): fine 1,000,000 fen due 2024-03-19 -> 990,000 fen by
// 2024-04-21 (33 days), 1,000,000 from 2024-04-22 on.
// Returns kInvalidArgument when fine_fen < 0, a date is invalid, a pause has
// to < from, or the options are out of range.
ZF_EXPORT Result<std::int64_t> LateSurcharge(
    std::int64_t fine_fen, Date payment_due, Date as_of,
    std::span<const ClockPause> review_pauses,
    const SurchargeOptions& options = SurchargeOptions());

// --- Limitation (D1, APL art. 36) ------------------------------------------

// The last day on which an act that ended on `act_ended` may be discovered
// and still be penalised: `years` years after it, on the matching date
// (Feb 29 -> Feb 28). 2021-08-01 + 2 years -> 2023-08-01. No rest-day rule
// applies: discovery is a fact, not an act that needs an open office.
// Returns kInvalidArgument when `act_ended` is invalid, years < 1, or the
// result would pass 9999-12-31.
ZF_EXPORT Result<Date> LimitationLastDay(Date act_ended, int years);

// True when `discovered_on` is on or before LimitationLastDay(act_ended,
// years) (discovery while a continuing act is still going on is in time).
// Scenario 11: ended 2021-08-01, discovered 2023-08-02 -> false with 2 years,
// true with 5.
// Returns kInvalidArgument as LimitationLastDay() does, or when
// `discovered_on` is invalid.
ZF_EXPORT Result<bool> WithinLimitation(Date act_ended, Date discovered_on,
                                        int years);

}  // namespace zf
