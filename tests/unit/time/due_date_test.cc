// DueDate: statutory periods and the per-bearer rest-day rule.
#include <string>

#include <catch2/catch.hpp>

#include "support/prc_holidays.h"

#include "zf/calendar.h"
#include "zf/status.h"

namespace zf::time_test {

// Defined in prc_holiday_calendar_test.cc.

namespace {

Date Must(const Result<Date>& r) {
  if (!r.ok()) FAIL(r.status().ToString());
  return *r;
}

PeriodSpec Party(PeriodUnit unit, int amount) {
  return {unit, amount, DeadlineBearer::kParty};
}
PeriodSpec Agency(PeriodUnit unit, int amount) {
  return {unit, amount, DeadlineBearer::kAgency};
}

TEST_CASE("Scenario 10: payment due 15 calendar days after service", "[time][due][scenario]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  const Date served{2024, 3, 4};
  const Date due = Must(DueDate(cal, served, Party(PeriodUnit::kCalendarDays, 15)));
  CHECK(due == Date{2024, 3, 19});
  CHECK(due.weekday() == Weekday::kTuesday);  // a working day: nothing moves
}

TEST_CASE("A rest-day due date moves only for a bearer whose flag is set", "[time][due]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  const Date trigger{2024, 3, 1};  // + 15 days = Sat 2024-03-16
  const PeriodSpec party = Party(PeriodUnit::kCalendarDays, 15);
  const PeriodSpec agency = Agency(PeriodUnit::kCalendarDays, 15);

  SECTION("defaults: extend the party's, not the agency's") {
    CHECK(Must(DueDate(cal, trigger, party)) == Date{2024, 3, 18});
    CHECK(Must(DueDate(cal, trigger, agency)) == Date{2024, 3, 16});
  }
  SECTION("flags reversed") {
    ClockOptions options;
    options.extend_party_deadline_on_rest_day = false;
    options.extend_agency_deadline_on_rest_day = true;
    CHECK(Must(DueDate(cal, trigger, party, options)) == Date{2024, 3, 16});
    CHECK(Must(DueDate(cal, trigger, agency, options)) == Date{2024, 3, 18});
  }
  SECTION("a holiday block ends on a make-up Saturday") {
    // 2023-09-14 + 15 days = Fri 2023-09-29, first day of the Golden Week;
    // the next working day is the make-up Saturday 2023-10-07.
    CHECK(Must(DueDate(cal, {2023, 9, 14}, party)) == Date{2023, 10, 7});
    CHECK(Must(DueDate(cal, {2023, 9, 14}, agency)) == Date{2023, 9, 29});
  }
}

TEST_CASE("Month and year periods end on the matching date", "[time][due]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  // D20: 6 months to sue.
  CHECK(Must(DueDate(cal, {2024, 3, 4}, Party(PeriodUnit::kMonths, 6))) ==
        Date{2024, 9, 4});
  CHECK(Must(DueDate(cal, {2024, 1, 31}, Agency(PeriodUnit::kMonths, 1))) ==
        Date{2024, 2, 29});
  // 2023-03-29 + 6 months = 2023-09-29, a holiday.
  CHECK(Must(DueDate(cal, {2023, 3, 29}, Party(PeriodUnit::kMonths, 6))) ==
        Date{2023, 10, 7});
  CHECK(Must(DueDate(cal, {2023, 3, 29}, Agency(PeriodUnit::kMonths, 6))) ==
        Date{2023, 9, 29});
  // The trigger's year (2022) needs no calendar data.
  CHECK(Must(DueDate(cal, {2022, 10, 1}, Party(PeriodUnit::kYears, 1))) ==
        Date{2023, 10, 7});
  CHECK(Must(DueDate(cal, {2022, 10, 1}, Agency(PeriodUnit::kYears, 1))) ==
        Date{2023, 10, 1});
}

TEST_CASE("Working-day periods ignore the rest-day flags", "[time][due]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  ClockOptions none;
  none.extend_party_deadline_on_rest_day = false;
  ClockOptions all;
  all.extend_agency_deadline_on_rest_day = true;
  for (const ClockOptions& options : {none, all, ClockOptions()}) {
    CHECK(Must(DueDate(cal, {2023, 9, 27}, Party(PeriodUnit::kWorkingDays, 5), options)) ==
          Date{2023, 10, 10});
    // D14: publish within 7 working days of a decision on Fri 2024-02-09.
    CHECK(Must(DueDate(cal, {2024, 2, 9}, Agency(PeriodUnit::kWorkingDays, 7), options)) ==
          Date{2024, 2, 26});
  }
}

TEST_CASE("Calendar data is consulted only when the rule needs it", "[time][due]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  // An agency calendar-day deadline under the default policy needs no data.
  CHECK(Must(DueDate(cal, {2030, 1, 1}, Agency(PeriodUnit::kCalendarDays, 90))) ==
        Date{2030, 4, 1});
  // A party's does, and no guess is made.
  Result<Date> party = DueDate(cal, {2030, 1, 1}, Party(PeriodUnit::kCalendarDays, 90));
  REQUIRE_FALSE(party.ok());
  CHECK(party.status().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(party.status().message()), Catch::Contains("2030"));
}

TEST_CASE("DueDate rejects malformed rules", "[time][due]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  const Date trigger{2023, 9, 27};
  for (PeriodUnit unit : {PeriodUnit::kWorkingDays, PeriodUnit::kCalendarDays,
                          PeriodUnit::kMonths, PeriodUnit::kYears}) {
    CHECK(DueDate(cal, trigger, Party(unit, 0)).status().code() ==
          StatusCode::kInvalidArgument);
    CHECK(DueDate(cal, trigger, Agency(unit, -1)).status().code() ==
          StatusCode::kInvalidArgument);
  }
  CHECK(DueDate(cal, trigger, Party(static_cast<PeriodUnit>(9), 5)).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(DueDate(cal, trigger,
                {PeriodUnit::kCalendarDays, 5, static_cast<DeadlineBearer>(0)})
            .status()
            .code() == StatusCode::kInvalidArgument);
  CHECK(DueDate(cal, Date{}, Party(PeriodUnit::kCalendarDays, 5)).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(DueDate(cal, {9999, 12, 1}, Agency(PeriodUnit::kCalendarDays, 31))
            .status()
            .code() == StatusCode::kInvalidArgument);
  CHECK(DueDate(cal, {9999, 12, 1}, Agency(PeriodUnit::kMonths, 1)).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(DueDate(cal, {2023, 1, 1}, Agency(PeriodUnit::kYears, 2'000'000'000))
            .status()
            .code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace zf::time_test
