// WorkingDayCalendar validation and the working-day deadlines of scenario 7.
#include <string>
#include <vector>

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

int MustInt(const Result<int>& r) {
  if (!r.ok()) FAIL(r.status().ToString());
  return *r;
}

TEST_CASE("AddYear rejects malformed arrangements", "[time][calendar]") {
  WorkingDayCalendar cal;
  SECTION("make-up workday on a weekday") {
    const Status s = cal.AddYear(2023, {}, {{2023, 10, 9}});  // Monday
    CHECK(s.code() == StatusCode::kInvalidArgument);
  }
  SECTION("holiday outside the year") {
    const Status s = cal.AddYear(2023, {{2022, 12, 31}, {2023, 1, 1}}, {});
    CHECK(s.code() == StatusCode::kInvalidArgument);
  }
  SECTION("make-up workday outside the year") {
    const Status s = cal.AddYear(2023, {}, {{2024, 2, 4}});
    CHECK(s.code() == StatusCode::kInvalidArgument);
  }
  SECTION("date both holiday and make-up workday") {
    const Status s = cal.AddYear(2023, {{2023, 10, 7}}, {{2023, 10, 7}});
    CHECK(s.code() == StatusCode::kInvalidArgument);
  }
  SECTION("date listed twice") {
    CHECK(cal.AddYear(2023, {{2023, 4, 5}, {2023, 4, 5}}, {}).code() ==
          StatusCode::kInvalidArgument);
    CHECK(cal.AddYear(2023, {}, {{2023, 10, 7}, {2023, 10, 7}}).code() ==
          StatusCode::kInvalidArgument);
  }
  SECTION("invalid date or year") {
    CHECK(cal.AddYear(2023, {{2023, 2, 29}}, {}).code() == StatusCode::kInvalidArgument);
    CHECK(cal.AddYear(2023, {Date{}}, {}).code() == StatusCode::kInvalidArgument);
    CHECK(cal.AddYear(0, {}, {}).code() == StatusCode::kInvalidArgument);
    CHECK(cal.AddYear(10000, {}, {}).code() == StatusCode::kInvalidArgument);
  }
  // A rejected arrangement leaves no trace.
  CHECK_FALSE(cal.HasYear(2023));
}

TEST_CASE("Holidays may fall on weekends", "[time][calendar]") {
  WorkingDayCalendar cal;
  REQUIRE(cal.AddYear(2023, {{2023, 1, 1}, {2023, 1, 2}}, {}).ok());  // Sun, Mon
  CHECK_FALSE(*cal.IsWorkingDay({2023, 1, 1}));
  CHECK_FALSE(*cal.IsWorkingDay({2023, 1, 2}));
  CHECK(*cal.IsWorkingDay({2023, 1, 3}));
}

TEST_CASE("Years are added once and replaced explicitly", "[time][calendar]") {
  WorkingDayCalendar cal;
  REQUIRE(cal.AddYear(2023, {}, {}).ok());
  CHECK(cal.HasYear(2023));
  CHECK(*cal.IsWorkingDay({2023, 4, 5}));

  CHECK(cal.AddYear(2023, {{2023, 4, 5}}, {}).code() == StatusCode::kAlreadyExists);
  CHECK(*cal.IsWorkingDay({2023, 4, 5}));

  CHECK(cal.ReplaceYear(2024, {}, {}).code() == StatusCode::kNotFound);
  CHECK_FALSE(cal.HasYear(2024));

  REQUIRE(cal.ReplaceYear(2023, {{2023, 4, 5}}, {{2023, 4, 23}}).ok());
  CHECK_FALSE(*cal.IsWorkingDay({2023, 4, 5}));
  CHECK(*cal.IsWorkingDay({2023, 4, 23}));

  // A bad revision keeps the arrangement in force.
  CHECK(cal.ReplaceYear(2023, {}, {{2023, 4, 24}}).code() ==
        StatusCode::kInvalidArgument);
  CHECK_FALSE(*cal.IsWorkingDay({2023, 4, 5}));
}

TEST_CASE("IsWorkingDay rejects an invalid date", "[time][calendar]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  CHECK(cal.IsWorkingDay({2023, 2, 29}).status().code() == StatusCode::kInvalidArgument);
  CHECK(cal.IsWorkingDay(Date{}).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("Scenario 7: hearing request due 5 working days after service",
          "[time][calendar][scenario]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  const Date served{2023, 9, 27};  // Wednesday
  REQUIRE(served.weekday() == Weekday::kWednesday);

  // 28 Sep, then the holiday 29 Sep - 6 Oct, then 7 Oct and 8 Oct (make-up
  // weekend), 9 Oct, 10 Oct.
  const Date due = Must(AddWorkingDays(cal, served, 5));
  CHECK(due == Date{2023, 10, 10});
  CHECK(Must(AddWorkingDays(cal, served, 1)) == Date{2023, 9, 28});
  CHECK(Must(AddWorkingDays(cal, served, 2)) == Date{2023, 10, 7});
  CHECK(Must(AddWorkingDays(cal, served, 3)) == Date{2023, 10, 8});

  const PeriodSpec d7{PeriodUnit::kWorkingDays, 5, DeadlineBearer::kParty};
  CHECK(Must(DueDate(cal, served, d7)) == due);

  CHECK_FALSE(Breached(due, {2023, 10, 9}));   // request accepted
  CHECK_FALSE(Breached(due, {2023, 10, 10}));  // the last day is in time
  CHECK(Breached(due, {2023, 10, 11}));        // hearing_request_late
}

TEST_CASE("Scenario 7: hearing notice needs 7 working days strictly between (D8)",
          "[time][calendar][scenario]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  const Date notice{2023, 10, 11};
  // 12, 13, 16, 17, 18, 19 Oct.
  CHECK(MustInt(WorkingDaysStrictlyBetween(cal, notice, {2023, 10, 20})) == 6);
  // ... and 20 Oct; 21-22 Oct is a weekend.
  CHECK(MustInt(WorkingDaysStrictlyBetween(cal, notice, {2023, 10, 23})) == 7);
  CHECK(MustInt(WorkingDaysStrictlyBetween(cal, notice, {2023, 10, 22})) == 7);
}

TEST_CASE("WorkingDaysStrictlyBetween excludes both ends", "[time][calendar]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  CHECK(MustInt(WorkingDaysStrictlyBetween(cal, {2023, 10, 9}, {2023, 10, 9})) == 0);
  CHECK(MustInt(WorkingDaysStrictlyBetween(cal, {2023, 10, 9}, {2023, 10, 10})) == 0);
  CHECK(MustInt(WorkingDaysStrictlyBetween(cal, {2023, 10, 9}, {2023, 10, 11})) == 1);
  // Nothing lies strictly between, so no calendar data is needed.
  CHECK(MustInt(WorkingDaysStrictlyBetween(cal, {2030, 1, 1}, {2030, 1, 2})) == 0);
  CHECK(WorkingDaysStrictlyBetween(cal, {2023, 10, 11}, {2023, 10, 9}).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("AddWorkingDays does not count or need the trigger day", "[time][calendar]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  // The trigger's year (2022) is not loaded; 1-2 Jan 2023 are holidays.
  CHECK(Must(AddWorkingDays(cal, {2022, 12, 31}, 1)) == Date{2023, 1, 3});
  // A trigger on a holiday: counting starts the next day all the same.
  CHECK(Must(AddWorkingDays(cal, {2023, 10, 1}, 1)) == Date{2023, 10, 7});
  CHECK(AddWorkingDays(cal, {2023, 10, 1}, 0).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(AddWorkingDays(cal, {2023, 10, 1}, -3).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(AddWorkingDays(cal, {2023, 2, 30}, 1).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("FirstWorkingDayOnOrAfter skips rest days only", "[time][calendar]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  CHECK(Must(FirstWorkingDayOnOrAfter(cal, {2023, 9, 28})) == Date{2023, 9, 28});
  CHECK(Must(FirstWorkingDayOnOrAfter(cal, {2023, 9, 29})) == Date{2023, 10, 7});
  CHECK(Must(FirstWorkingDayOnOrAfter(cal, {2024, 2, 10})) == Date{2024, 2, 18});
  CHECK(Must(FirstWorkingDayOnOrAfter(cal, {2024, 12, 28})) == Date{2024, 12, 30});

  // Sat 30 and Sun 31 Dec 2023 are rest days, so the search needs 2024.
  WorkingDayCalendar only_2023;
  REQUIRE(only_2023.AddYear(2023, {}, {}).ok());
  Result<Date> beyond = FirstWorkingDayOnOrAfter(only_2023, {2023, 12, 30});
  REQUIRE_FALSE(beyond.ok());
  CHECK(beyond.status().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(beyond.status().message()), Catch::Contains("2024"));
}

TEST_CASE("NonWorkingDaysIn and MakeupWorkdaysIn list the days of National Day 2023",
          "[time][calendar]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  // 2023-09-28 (Thu) .. 2023-10-10 (Tue): the holiday 09-29..10-06, the
  // make-up Saturday and Sunday 10-07, 10-08.
  auto off = NonWorkingDaysIn(cal, {2023, 9, 28}, {2023, 10, 10});
  REQUIRE(off.ok());
  std::vector<std::string> days;
  for (const Date& d : *off) days.push_back(d.ToString());
  CHECK(days == std::vector<std::string>{"2023-09-29", "2023-09-30", "2023-10-01", "2023-10-02",
                                         "2023-10-03", "2023-10-04", "2023-10-05",
                                         "2023-10-06"});
  auto makeup = MakeupWorkdaysIn(cal, {2023, 9, 28}, {2023, 10, 10});
  REQUIRE(makeup.ok());
  REQUIRE(makeup->size() == 2);
  CHECK((*makeup)[0] == Date{2023, 10, 7});
  CHECK((*makeup)[1] == Date{2023, 10, 8});
  // An ordinary week: the weekend only, no make-up day.
  auto week = NonWorkingDaysIn(cal, {2023, 11, 6}, {2023, 11, 12});
  REQUIRE(week.ok());
  CHECK(week->size() == 2);
  CHECK(MakeupWorkdaysIn(cal, {2023, 11, 6}, {2023, 11, 12})->empty());
  CHECK(NonWorkingDaysIn(cal, {2023, 10, 2}, {2023, 10, 1}).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(NonWorkingDaysIn(WorkingDayCalendar(), {2023, 10, 2}, {2023, 10, 3}).status().code() ==
        StatusCode::kFailedPrecondition);
}


}  // namespace
}  // namespace zf::time_test
