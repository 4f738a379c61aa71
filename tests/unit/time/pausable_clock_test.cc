// PausableDue and Breached: the D9 decision clock of scenario 9.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "zf/calendar.h"
#include "zf/status.h"

namespace zf::time_test {
namespace {

Date Must(const Result<Date>& r) {
  if (!r.ok()) FAIL(r.status().ToString());
  return *r;
}

const Date kFiled{2023, 9, 12};  // Tuesday
const ClockPause kAppraisal{{2023, 10, 10}, {2023, 10, 18}};

TEST_CASE("Scenario 9: 90-day decision clock with pause and extension",
          "[time][clock][scenario]") {
  REQUIRE(kFiled.weekday() == Weekday::kTuesday);
  const Date base = Must(PausableDue(kFiled, 90, {}, {}));
  CHECK(base == Date{2023, 12, 11});
  CHECK(base.weekday() == Weekday::kMonday);

  const std::vector<ClockPause> pauses{kAppraisal};
  CHECK(DaysBetween(kAppraisal.from, kAppraisal.to) == 8);
  const Date paused = Must(PausableDue(kFiled, 90, pauses, {}));
  CHECK(paused == Date{2023, 12, 19});

  // Approved after the base due date but before the paused one: valid,
  // because the pause had already moved the due date when it was approved.
  const std::vector<ClockExtension> extension{{{2023, 12, 15}, 30}};
  const Date extended = Must(PausableDue(kFiled, 90, pauses, extension));
  CHECK(extended == Date{2024, 1, 18});

  CHECK_FALSE(Breached(extended, {2024, 1, 18}));
  CHECK(Breached(extended, {2024, 1, 19}));  // deadline_breached
}

TEST_CASE("Scenario 9 variant: an extension after the due date is refused",
          "[time][clock][scenario]") {
  const std::vector<ClockPause> pauses{kAppraisal};
  // Approval on the due date itself is still in time.
  CHECK(Must(PausableDue(kFiled, 90, pauses, std::vector<ClockExtension>{
                                                  {{2023, 12, 19}, 30}})) ==
        Date{2024, 1, 18});

  Result<Date> late = PausableDue(kFiled, 90, pauses,
                                  std::vector<ClockExtension>{{{2023, 12, 20}, 30}});
  REQUIRE_FALSE(late.ok());
  CHECK(late.status().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(late.status().message()), Catch::Contains("after the due date"));

  // Without the pause the same approval date is already too late.
  Result<Date> no_pause =
      PausableDue(kFiled, 90, {}, std::vector<ClockExtension>{{{2023, 12, 15}, 30}});
  REQUIRE_FALSE(no_pause.ok());
  CHECK(no_pause.status().code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("Extensions are applied in approval order", "[time][clock]") {
  // The second extension is only in time thanks to the first one; listing
  // them out of order must not matter.
  const std::vector<ClockExtension> extensions{{{2024, 1, 10}, 10},
                                               {{2023, 12, 10}, 30}};
  CHECK(Must(PausableDue(kFiled, 90, {}, extensions)) == Date{2024, 1, 20});
}

TEST_CASE("Overlapping pauses stop the clock once", "[time][clock]") {
  const std::vector<ClockPause> overlapping{
      {{2023, 10, 10}, {2023, 10, 18}},  // appraisal, 8 days
      {{2023, 10, 15}, {2023, 10, 20}},  // hearing, overlaps by 3 days
      {{2023, 11, 1}, {2023, 11, 1}},    // empty
  };
  // Union is 10-10 .. 10-19: 10 days.
  CHECK(Must(PausableDue(kFiled, 90, overlapping, {})) == Date{2023, 12, 21});

  const std::vector<ClockPause> adjacent{{{2023, 10, 10}, {2023, 10, 18}},
                                         {{2023, 10, 18}, {2023, 10, 20}}};
  CHECK(Must(PausableDue(kFiled, 90, adjacent, {})) == Date{2023, 12, 21});
}

TEST_CASE("A pause on the trigger day removes only the days after it", "[time][clock]") {
  // The trigger day is not counted anyway.
  const std::vector<ClockPause> pauses{{kFiled, {2023, 9, 15}}};
  CHECK(Must(PausableDue(kFiled, 90, pauses, {})) == Date{2023, 12, 13});
}

TEST_CASE("A pause may begin on the due date but not after it", "[time][clock]") {
  const std::vector<ClockPause> on_due{{{2023, 12, 11}, {2023, 12, 14}}};
  CHECK(Must(PausableDue(kFiled, 90, on_due, {})) == Date{2023, 12, 14});

  const std::vector<ClockPause> after_due{{{2023, 12, 12}, {2023, 12, 14}}};
  Result<Date> r = PausableDue(kFiled, 90, after_due, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("PausableDue rejects malformed input", "[time][clock]") {
  CHECK(PausableDue(kFiled, 0, {}, {}).status().code() == StatusCode::kInvalidArgument);
  CHECK(PausableDue(Date{}, 90, {}, {}).status().code() == StatusCode::kInvalidArgument);

  const std::vector<ClockPause> backwards{{{2023, 10, 18}, {2023, 10, 10}}};
  CHECK(PausableDue(kFiled, 90, backwards, {}).status().code() ==
        StatusCode::kInvalidArgument);
  const std::vector<ClockPause> before_trigger{{{2023, 9, 1}, {2023, 9, 20}}};
  CHECK(PausableDue(kFiled, 90, before_trigger, {}).status().code() ==
        StatusCode::kInvalidArgument);
  const std::vector<ClockPause> invalid_date{{{2023, 10, 10}, {2023, 10, 32}}};
  CHECK(PausableDue(kFiled, 90, invalid_date, {}).status().code() ==
        StatusCode::kInvalidArgument);

  const std::vector<ClockExtension> zero_days{{{2023, 10, 1}, 0}};
  CHECK(PausableDue(kFiled, 90, {}, zero_days).status().code() ==
        StatusCode::kInvalidArgument);
  const std::vector<ClockExtension> before_filing{{{2023, 9, 11}, 30}};
  CHECK(PausableDue(kFiled, 90, {}, before_filing).status().code() ==
        StatusCode::kInvalidArgument);

  CHECK(PausableDue({9999, 12, 1}, 90, {}, {}).status().code() ==
        StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace zf::time_test
