// Limitation on penalties (D1): scenario 11.
#include <catch2/catch.hpp>

#include "zf/calendar.h"
#include "zf/status.h"

namespace zf::time_test {
namespace {

bool Must(const Result<bool>& r) {
  if (!r.ok()) FAIL(r.status().ToString());
  return *r;
}

const Date kActEnded{2021, 8, 1};

TEST_CASE("Scenario 11: two-year limitation ends on the matching date",
          "[time][limitation][scenario]") {
  Result<Date> last = LimitationLastDay(kActEnded, 2);
  REQUIRE(last.ok());
  CHECK(*last == Date{2023, 8, 1});
  CHECK(Must(WithinLimitation(kActEnded, {2023, 8, 1}, 2)));
  CHECK_FALSE(Must(WithinLimitation(kActEnded, {2023, 8, 2}, 2)));  // barred
}

TEST_CASE("Scenario 11: five years for harm to life, health or safety",
          "[time][limitation][scenario]") {
  CHECK(*LimitationLastDay(kActEnded, 5) == Date{2026, 8, 1});
  CHECK(Must(WithinLimitation(kActEnded, {2023, 8, 2}, 5)));
  CHECK_FALSE(Must(WithinLimitation(kActEnded, {2026, 8, 2}, 5)));
}

TEST_CASE("Limitation edge cases", "[time][limitation]") {
  // A continuing act discovered while it is still going on.
  CHECK(Must(WithinLimitation(kActEnded, {2021, 7, 1}, 2)));
  // No matching date: the month's last day.
  CHECK(*LimitationLastDay({2020, 2, 29}, 1) == Date{2021, 2, 28});
  // No rest-day rule: 2022-10-01 + 1 year is a National Day holiday.
  CHECK(*LimitationLastDay({2022, 10, 1}, 1) == Date{2023, 10, 1});

  CHECK(LimitationLastDay(kActEnded, 0).status().code() == StatusCode::kInvalidArgument);
  CHECK(LimitationLastDay(Date{}, 2).status().code() == StatusCode::kInvalidArgument);
  CHECK(LimitationLastDay({9999, 1, 1}, 1).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(WithinLimitation(kActEnded, {2023, 2, 30}, 2).status().code() ==
        StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace zf::time_test
