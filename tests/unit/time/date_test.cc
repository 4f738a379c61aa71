// Date parsing, formatting, ordering and calendar arithmetic.
#include <cstdint>
#include <random>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "zf/calendar.h"
#include "zf/status.h"

namespace zf::time_test {
namespace {

Date MustParse(std::string_view text) {
  INFO(text);
  Result<Date> d = Date::Parse(text);
  if (!d.ok()) FAIL(d.status().ToString());
  return *d;
}

void ExpectInvalid(std::string_view text) {
  INFO(text);
  Result<Date> d = Date::Parse(text);
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("Date::Parse accepts strict YYYY-MM-DD", "[time][date]") {
  CHECK(MustParse("2023-09-27") == Date{2023, 9, 27});
  CHECK(MustParse("2024-02-29") == Date{2024, 2, 29});
  CHECK(MustParse("2000-02-29") == Date{2000, 2, 29});
  CHECK(MustParse("0001-01-01") == Date{1, 1, 1});
  CHECK(MustParse("9999-12-31") == Date{9999, 12, 31});
}

TEST_CASE("Date::Parse rejects anything else", "[time][date]") {
  ExpectInvalid("");
  ExpectInvalid("2023-9-27");
  ExpectInvalid("2023-09-7");
  ExpectInvalid("23-09-27");
  ExpectInvalid("20230927");
  ExpectInvalid("2023/09/27");
  ExpectInvalid(" 2023-09-27");
  ExpectInvalid("2023-09-27 ");
  ExpectInvalid("2023-09-27T00:00:00+08:00");
  ExpectInvalid("+023-09-27");
  ExpectInvalid("2023-+9-27");
  ExpectInvalid("2023-09-2\xef");
  ExpectInvalid("0000-01-01");
  ExpectInvalid("2023-00-10");
  ExpectInvalid("2023-13-01");
  ExpectInvalid("2023-01-00");
  ExpectInvalid("2023-02-29");
  ExpectInvalid("1900-02-29");
  ExpectInvalid("2023-04-31");
  ExpectInvalid("2023-01-32");

  Result<Date> d = Date::Parse("2023-02-29");
  REQUIRE_FALSE(d.ok());
  // The message quotes the input so that a log reader can find the record.
  CHECK_THAT(std::string(d.status().message()), Catch::Contains("\"2023-02-29\""));
}

TEST_CASE("Date round-trips through text and day numbers", "[time][date]") {
  CHECK(Date{2023, 9, 27}.ToString() == "2023-09-27");
  CHECK(Date{1, 1, 1}.ToString() == "0001-01-01");
  CHECK(Date{9999, 12, 31}.ToString() == "9999-12-31");
  // Written by hand; fmt's fixed widths (what it wrote before) are the
  // reference, also for the invalid dates a Date{} can hold.
  for (const Date d : {Date{}, Date{0, 0, 0}, Date{10000, 1, 1}, Date{-5, 3, 4}, Date{2024, 100, 7},
                       Date{2024, 2, 30}, Date{999, 9, 9}}) {
    CHECK(d.ToString() == fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day));
  }
  for (int year = 1; year <= 9999; year += 37) {
    for (unsigned month = 1; month <= 12; ++month) {
      const Date d{year, month, 1 + (static_cast<unsigned>(year) + month) % 28};
      REQUIRE(d.ToString() == fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day));
    }
  }
  std::ostringstream os;
  os << Date{2024, 3, 4};
  CHECK(os.str() == "2024-03-04");

  CHECK(Date{1970, 1, 1}.DayNumber() == 0);
  CHECK(Date{1969, 12, 31}.DayNumber() == -1);
  CHECK(Date::FromDayNumber(19627) == Date{2023, 9, 27});

  std::mt19937 rng(1);
  std::uniform_int_distribution<std::int64_t> days(Date{1, 1, 1}.DayNumber(),
                                                   Date{9999, 12, 31}.DayNumber());
  for (int i = 0; i < 2000; ++i) {
    const std::int64_t n = days(rng);
    const Date d = Date::FromDayNumber(n);
    INFO(n);
    REQUIRE(d.IsValid());
    REQUIRE(d.DayNumber() == n);
    REQUIRE(MustParse(d.ToString()) == d);
    REQUIRE(Date::FromDayNumber(n + 1) > d);
  }
}

TEST_CASE("Date validity, order and weekday", "[time][date]") {
  CHECK_FALSE(Date{}.IsValid());
  CHECK_FALSE((Date{2023, 2, 29}.IsValid()));
  CHECK_FALSE((Date{10000, 1, 1}.IsValid()));
  CHECK((Date{2024, 2, 29}.IsValid()));

  CHECK(Date{2023, 12, 31} < Date{2024, 1, 1});
  CHECK(Date{2023, 9, 30} < Date{2023, 10, 1});
  CHECK(Date{2023, 10, 9} < Date{2023, 10, 10});
  CHECK_FALSE(Date{2023, 10, 10} < Date{2023, 10, 10});

  CHECK(Date{1970, 1, 1}.weekday() == Weekday::kThursday);
  CHECK(Date{1, 1, 1}.weekday() == Weekday::kMonday);
  CHECK(Date{1969, 12, 28}.weekday() == Weekday::kSunday);
  CHECK(Date{2023, 9, 12}.weekday() == Weekday::kTuesday);
  CHECK(Date{2023, 9, 27}.weekday() == Weekday::kWednesday);
  CHECK(Date{2023, 12, 11}.weekday() == Weekday::kMonday);
  CHECK(Date{2024, 3, 4}.weekday() == Weekday::kMonday);
  CHECK(Date{2024, 3, 19}.weekday() == Weekday::kTuesday);
  CHECK(Date{2023, 10, 7}.weekday() == Weekday::kSaturday);
  CHECK(Date{2023, 10, 7}.IsWeekend());
  CHECK(Date{2023, 10, 8}.IsWeekend());
  CHECK_FALSE(Date{2023, 10, 9}.IsWeekend());
}

TEST_CASE("AddCalendarDays crosses months, years and goes backwards", "[time][date]") {
  CHECK(AddCalendarDays({2023, 9, 12}, 90) == Date{2023, 12, 11});
  CHECK(AddCalendarDays({2024, 3, 4}, 15) == Date{2024, 3, 19});
  CHECK(AddCalendarDays({2024, 2, 28}, 1) == Date{2024, 2, 29});
  CHECK(AddCalendarDays({2023, 2, 28}, 1) == Date{2023, 3, 1});
  CHECK(AddCalendarDays({2023, 12, 31}, 1) == Date{2024, 1, 1});
  CHECK(AddCalendarDays({2024, 1, 1}, -1) == Date{2023, 12, 31});
  CHECK(AddCalendarDays({2024, 1, 1}, 0) == Date{2024, 1, 1});
  CHECK(DaysBetween({2023, 10, 10}, {2023, 10, 18}) == 8);
  CHECK(DaysBetween({2023, 10, 18}, {2023, 10, 10}) == -8);
}

TEST_CASE("AddMonths lands on the matching day or the month's last day", "[time][date]") {
  CHECK(AddMonths({2024, 1, 31}, 1) == Date{2024, 2, 29});
  CHECK(AddMonths({2023, 1, 31}, 1) == Date{2023, 2, 28});
  CHECK(AddMonths({2023, 3, 31}, 1) == Date{2023, 4, 30});
  CHECK(AddMonths({2023, 1, 31}, 2) == Date{2023, 3, 31});
  CHECK(AddMonths({2024, 3, 4}, 6) == Date{2024, 9, 4});
  CHECK(AddMonths({2023, 12, 15}, 1) == Date{2024, 1, 15});
  CHECK(AddMonths({2023, 11, 30}, 3) == Date{2024, 2, 29});
  CHECK(AddMonths({2023, 3, 31}, -1) == Date{2023, 2, 28});
  CHECK(AddMonths({2023, 1, 15}, -1) == Date{2022, 12, 15});
  CHECK(AddMonths({2023, 1, 15}, -13) == Date{2021, 12, 15});
  CHECK(AddMonths({2023, 1, 15}, 0) == Date{2023, 1, 15});
  CHECK(AddMonths({2023, 1, 15}, 24) == Date{2025, 1, 15});
}

TEST_CASE("AddYears maps Feb 29 to Feb 28 in common years", "[time][date]") {
  CHECK(AddYears({2021, 8, 1}, 2) == Date{2023, 8, 1});
  CHECK(AddYears({2024, 2, 29}, 1) == Date{2025, 2, 28});
  CHECK(AddYears({2024, 2, 29}, 4) == Date{2028, 2, 29});
  CHECK(AddYears({2024, 2, 29}, -1) == Date{2023, 2, 28});
  CHECK(AddYears({2023, 12, 31}, 1) == Date{2024, 12, 31});
}

}  // namespace
}  // namespace zf::time_test
