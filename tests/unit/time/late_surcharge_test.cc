// LateSurcharge: scenario 10 and the rounding and pause rules of D17.
#include <cstdint>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "zf/calendar.h"
#include "zf/status.h"

namespace zf::time_test {
namespace {

constexpr std::int64_t kFen = 100;                  // per yuan
constexpr std::int64_t kFine = 10'000 * kFen;       // 10,000 yuan
const Date kPaymentDue{2024, 3, 19};

std::int64_t Must(const Result<std::int64_t>& r) {
  if (!r.ok()) FAIL(r.status().ToString());
  return *r;
}

std::int64_t Surcharge(Date as_of, const std::vector<ClockPause>& pauses = {},
                       const SurchargeOptions& options = SurchargeOptions()) {
  return Must(LateSurcharge(kFine, kPaymentDue, as_of, pauses, options));
}

TEST_CASE("Scenario 10: 3% a day from the day after the due date, capped",
          "[time][surcharge][scenario]") {
  CHECK(Surcharge({2024, 3, 18}) == 0);
  CHECK(Surcharge({2024, 3, 19}) == 0);  // paying on the due date is in time
  CHECK(Surcharge({2024, 3, 20}) == 300 * kFen);
  CHECK(Surcharge({2024, 3, 21}) == 600 * kFen);
  CHECK(Must(SurchargeAccrualDays(kPaymentDue, {2024, 4, 21}, {})) == 33);
  CHECK(Surcharge({2024, 4, 21}) == 9'900 * kFen);
  CHECK(Surcharge({2024, 4, 22}) == 10'000 * kFen);  // the cap
  CHECK(Surcharge({2025, 1, 1}) == 10'000 * kFen);
}

TEST_CASE("Scenario 10 variant: no accrual while reconsideration is pending",
          "[time][surcharge][scenario]") {
  // Filed 2024-03-25 and still pending: `to` lies after every as_of below.
  const std::vector<ClockPause> pending{{{2024, 3, 25}, {2100, 1, 1}}};
  // 20-24 March accrue: 5 days.
  CHECK(Surcharge({2024, 3, 24}, pending) == 1'500 * kFen);
  CHECK(Surcharge({2024, 3, 25}, pending) == 1'500 * kFen);
  CHECK(Surcharge({2024, 4, 21}, pending) == 1'500 * kFen);
  CHECK(Surcharge({2024, 12, 31}, pending) == 1'500 * kFen);

  // Decided (upheld) on 2024-04-10: accrual resumes that day.
  const std::vector<ClockPause> decided{{{2024, 3, 25}, {2024, 4, 10}}};
  CHECK(Surcharge({2024, 4, 9}, decided) == 1'500 * kFen);
  CHECK(Surcharge({2024, 4, 10}, decided) == 1'800 * kFen);
  CHECK(Surcharge({2024, 4, 21}, decided) == 5'100 * kFen);  // 5 + 12 days
  // 34 days are reached on 2024-05-08 instead of 2024-04-22.
  CHECK(Surcharge({2024, 5, 7}, decided) == 9'900 * kFen);
  CHECK(Surcharge({2024, 5, 8}, decided) == 10'000 * kFen);
}

TEST_CASE("Review pauses before the due date only count from the due date",
          "[time][surcharge]") {
  // Filed 2024-03-10, decided 2024-03-22: 20 and 21 March are paused.
  const std::vector<ClockPause> early{{{2024, 3, 10}, {2024, 3, 22}}};
  CHECK(Must(SurchargeAccrualDays(kPaymentDue, {2024, 4, 21}, early)) == 31);
  CHECK(Surcharge({2024, 4, 21}, early) == 9'300 * kFen);
  // Overlapping reconsideration and litigation pause once.
  const std::vector<ClockPause> both{{{2024, 3, 25}, {2024, 4, 10}},
                                     {{2024, 4, 1}, {2024, 4, 15}}};
  CHECK(Must(SurchargeAccrualDays(kPaymentDue, {2024, 4, 21}, both)) == 5 + 7);
}

TEST_CASE("The surcharge total is rounded once, down by default", "[time][surcharge]") {
  // 3% of 10.17 yuan is 30.51 fen a day.
  const Date due{2024, 3, 19};
  CHECK(Must(LateSurcharge(1'017, due, {2024, 3, 20}, {})) == 30);
  SurchargeOptions half_up;
  half_up.rounding = SurchargeOptions::Rounding::kHalfUp;
  CHECK(Must(LateSurcharge(1'017, due, {2024, 3, 20}, {}, half_up)) == 31);
  // Two days: 61.02 fen, not 2 x 30 = 60 (no per-day rounding).
  CHECK(Must(LateSurcharge(1'017, due, {2024, 3, 21}, {})) == 61);
  // 3% of 0.49 yuan: 1.47 fen -> 1 (down) or 1 (half up); 0.50 -> 1.5 -> 1 or 2.
  CHECK(Must(LateSurcharge(49, due, {2024, 3, 20}, {}, half_up)) == 1);
  CHECK(Must(LateSurcharge(50, due, {2024, 3, 20}, {})) == 1);
  CHECK(Must(LateSurcharge(50, due, {2024, 3, 20}, {}, half_up)) == 2);
  CHECK(Must(LateSurcharge(0, due, {2024, 4, 20}, {})) == 0);
}

TEST_CASE("Other rates and very large fines are exact", "[time][surcharge]") {
  SurchargeOptions one_percent;
  one_percent.rate_per_mille = 10;
  CHECK(Surcharge({2024, 3, 20}, {}, one_percent) == 100 * kFen);
  CHECK(Surcharge({2024, 6, 26}, {}, one_percent) == 9'900 * kFen);  // 99 days
  CHECK(Surcharge({2024, 6, 27}, {}, one_percent) == 10'000 * kFen);

  const std::int64_t huge = std::numeric_limits<std::int64_t>::max();
  const std::int64_t one_day = Must(LateSurcharge(huge, kPaymentDue, {2024, 3, 20}, {}));
  // floor(huge * 3 / 100), computed without overflow.
  CHECK(one_day == huge / 100 * 3 + (huge % 100) * 3 / 100);
  CHECK(Must(LateSurcharge(huge, kPaymentDue, {2024, 4, 22}, {})) == huge);
}

TEST_CASE("LateSurcharge rejects malformed input", "[time][surcharge]") {
  CHECK(LateSurcharge(-1, kPaymentDue, {2024, 4, 1}, {}).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(LateSurcharge(kFine, Date{}, {2024, 4, 1}, {}).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(LateSurcharge(kFine, kPaymentDue, {2024, 4, 31}, {}).status().code() ==
        StatusCode::kInvalidArgument);
  const std::vector<ClockPause> backwards{{{2024, 4, 10}, {2024, 3, 25}}};
  CHECK(LateSurcharge(kFine, kPaymentDue, {2024, 4, 21}, backwards).status().code() ==
        StatusCode::kInvalidArgument);
  for (int rate : {0, -30, 1001}) {
    SurchargeOptions options;
    options.rate_per_mille = rate;
    INFO(rate);
    CHECK(LateSurcharge(kFine, kPaymentDue, {2024, 4, 21}, {}, options).status().code() ==
          StatusCode::kInvalidArgument);
  }
  SurchargeOptions bad_rounding;
  bad_rounding.rounding = static_cast<SurchargeOptions::Rounding>(7);
  CHECK(LateSurcharge(kFine, kPaymentDue, {2024, 4, 21}, {}, bad_rounding)
            .status()
            .code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace zf::time_test
