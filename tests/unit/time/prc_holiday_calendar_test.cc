// The PRC 2023–2024 holiday fixture (docs/domain.md, Acceptance scenarios) and the properties of
// working-day counting over it.
//
// The fixture is defined here and declared in the other time tests: only
// *_test.cc files may be added under tests/unit/time.
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include <catch2/catch.hpp>

#include "zf/calendar.h"
#include "support/prc_holidays.h"
#include "zf/status.h"

namespace zf::time_test {

namespace {

// An oracle that shares no code with WorkingDayCalendar: sets of day numbers
// and a weekday computed straight from the day number.
class Oracle {
 public:
  Oracle() {
    for (const Arrangement& a : PrcArrangements()) {
      for (const Date& d : a.holidays) holidays_.insert(d.DayNumber());
      for (const Date& d : a.makeup_workdays) makeup_.insert(d.DayNumber());
    }
  }
  bool IsWorking(std::int64_t day) const {
    const bool weekend = (day % 7 + 7 + 3) % 7 >= 5;  // 1970-01-01 = Thursday
    return makeup_.contains(day) || (!weekend && !holidays_.contains(day));
  }
  std::int64_t AddWorkingDays(std::int64_t day, int n) const {
    while (n > 0) n -= IsWorking(++day) ? 1 : 0;
    return day;
  }

 private:
  std::set<std::int64_t> holidays_;
  std::set<std::int64_t> makeup_;
};

Date Must(const Result<Date>& r) {
  if (!r.ok()) FAIL(r.status().ToString());
  return *r;
}

bool MustBool(const Result<bool>& r) {
  if (!r.ok()) FAIL(r.status().ToString());
  return *r;
}

TEST_CASE("Fixture has the published 249 and 251 working days", "[time][calendar]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  // Widely published totals, independent of how the lists were typed in.
  Result<int> in_2023 = WorkingDaysStrictlyBetween(cal, {2022, 12, 31}, {2024, 1, 1});
  REQUIRE(in_2023.ok());
  CHECK(*in_2023 == 249);
  Result<int> in_2024 = WorkingDaysStrictlyBetween(cal, {2023, 12, 31}, {2025, 1, 1});
  REQUIRE(in_2024.ok());
  CHECK(*in_2024 == 251);
}

TEST_CASE("Working day = weekday not on holiday, or make-up workday", "[time][calendar]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  CHECK(MustBool(cal.IsWorkingDay({2023, 9, 28})));    // Thursday
  CHECK_FALSE(MustBool(cal.IsWorkingDay({2023, 9, 29})));  // Friday, holiday
  CHECK_FALSE(MustBool(cal.IsWorkingDay({2023, 10, 1})));  // Sunday, holiday
  CHECK(MustBool(cal.IsWorkingDay({2023, 10, 7})));    // Saturday, make-up
  CHECK(MustBool(cal.IsWorkingDay({2023, 10, 8})));    // Sunday, make-up
  CHECK_FALSE(MustBool(cal.IsWorkingDay({2023, 10, 14})));  // plain Saturday
  CHECK(MustBool(cal.IsWorkingDay({2024, 2, 18})));    // Sunday, make-up
  CHECK_FALSE(MustBool(cal.IsWorkingDay({2024, 6, 10})));  // Monday, Dragon Boat
  CHECK(MustBool(cal.IsWorkingDay({2024, 12, 31})));   // Tuesday

  const Oracle oracle;
  for (std::int64_t day = Date{2023, 1, 1}.DayNumber();
       day <= Date{2024, 12, 31}.DayNumber(); ++day) {
    const Date d = Date::FromDayNumber(day);
    INFO(d);
    REQUIRE(MustBool(cal.IsWorkingDay(d)) == oracle.IsWorking(day));
  }
}

TEST_CASE("Working-day arithmetic properties over random dates", "[time][calendar]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  const Oracle oracle;
  constexpr std::uint32_t kSeed = 20230927;
  std::mt19937 rng(kSeed);
  INFO("seed " << kSeed);
  // Starts leave room for 2 x 30 working days (< 90 calendar days) in 2024.
  std::uniform_int_distribution<std::int64_t> start(Date{2023, 1, 1}.DayNumber(),
                                                    Date{2024, 9, 30}.DayNumber());
  std::uniform_int_distribution<int> amount(1, 30);

  for (int i = 0; i < 500; ++i) {
    const Date d = Date::FromDayNumber(start(rng));
    const int n = amount(rng);
    const int m = amount(rng);
    INFO("start " << d << " n " << n << " m " << m);

    const Date after_n = Must(AddWorkingDays(cal, d, n));
    REQUIRE(MustBool(cal.IsWorkingDay(after_n)));
    REQUIRE(after_n.DayNumber() == oracle.AddWorkingDays(d.DayNumber(), n));
    // Exactly n - 1 working days lie between the trigger and the result.
    Result<int> between = WorkingDaysStrictlyBetween(cal, d, after_n);
    REQUIRE(between.ok());
    REQUIRE(*between == n - 1);

    REQUIRE(Must(AddWorkingDays(cal, d, n + m)) ==
            Must(AddWorkingDays(cal, after_n, m)));
    REQUIRE(AddCalendarDays(AddCalendarDays(d, n), m) == AddCalendarDays(d, n + m));
    REQUIRE(DaysBetween(d, AddCalendarDays(d, n + m)) == n + m);
  }
}

TEST_CASE("A year without calendar data fails and names the year", "[time][calendar]") {
  const WorkingDayCalendar cal = PrcHolidayCalendar();
  CHECK_FALSE(cal.HasYear(2025));

  Result<bool> working = cal.IsWorkingDay({2022, 6, 1});
  REQUIRE_FALSE(working.ok());
  CHECK(working.status().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(working.status().message()), Catch::Contains("2022"));

  std::mt19937 rng(7);
  std::uniform_int_distribution<std::int64_t> start(Date{2024, 11, 1}.DayNumber(),
                                                    Date{2024, 12, 31}.DayNumber());
  for (int i = 0; i < 50; ++i) {
    const Date d = Date::FromDayNumber(start(rng));
    INFO(d);
    // 70 working days from November always reach into 2025.
    Result<Date> due = AddWorkingDays(cal, d, 70);
    REQUIRE_FALSE(due.ok());
    CHECK(due.status().code() == StatusCode::kFailedPrecondition);
    CHECK_THAT(std::string(due.status().message()), Catch::Contains("2025"));
  }

  Result<int> between = WorkingDaysStrictlyBetween(cal, {2024, 12, 30}, {2025, 1, 3});
  REQUIRE_FALSE(between.ok());
  CHECK(between.status().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(between.status().message()), Catch::Contains("2025"));
}

}  // namespace
}  // namespace zf::time_test
