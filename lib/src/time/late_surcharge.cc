// Late-payment surcharge (加处罚款, APL arts. 72-73).
#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "time/time_internal.h"
#include "zf/calendar.h"

namespace zf {
namespace {

constexpr std::int64_t kPerMille = 1000;

Status CheckOptions(const SurchargeOptions& options) {
  if (options.rate_per_mille < 1 || options.rate_per_mille > kPerMille) {
    return InvalidArgumentError(fmt::format(
        "surcharge rate {} per mille is out of range 1-1000", options.rate_per_mille));
  }
  const int rounding = static_cast<int>(options.rounding);
  if (rounding != static_cast<int>(SurchargeOptions::Rounding::kDown) &&
      rounding != static_cast<int>(SurchargeOptions::Rounding::kHalfUp)) {
    return InvalidArgumentError(fmt::format("unknown surcharge rounding {}", rounding));
  }
  return Status::Ok();
}

// fine * per_mille / 1000, rounded, for 0 <= per_mille < 1000. The fine is
// split into thousands and a remainder so that the product cannot overflow
// int64 even for the largest fine: q * per_mille < fine, r * per_mille < 10^6.
std::int64_t ScaledFine(std::int64_t fine, std::int64_t per_mille,
                        SurchargeOptions::Rounding rounding) {
  const std::int64_t q = fine / kPerMille;
  const std::int64_t r = fine % kPerMille;
  const std::int64_t bias =
      rounding == SurchargeOptions::Rounding::kHalfUp ? kPerMille / 2 : 0;
  return q * per_mille + (r * per_mille + bias) / kPerMille;
}

}  // namespace

Result<std::int64_t> SurchargeAccrualDays(Date payment_due, Date as_of,
                                          std::span<const ClockPause> review_pauses) {
  ZF_RETURN_IF_ERROR(internal::CheckDate(payment_due, "payment due date"));
  ZF_RETURN_IF_ERROR(internal::CheckDate(as_of, "as-of date"));
  ZF_ASSIGN_OR_RETURN(std::vector<internal::DayRange> pauses,
                      internal::MergePauses(review_pauses));
  // Accrual starts the day after the due date (paying on the due date is in
  // time) and includes as_of itself.
  const std::int64_t begin = payment_due.DayNumber() + 1;
  const std::int64_t end = as_of.DayNumber() + 1;
  if (end <= begin) return std::int64_t{0};
  return (end - begin) - internal::OverlapDays(pauses, begin, end);
}

Result<std::int64_t> LateSurcharge(std::int64_t fine_fen, Date payment_due, Date as_of,
                                   std::span<const ClockPause> review_pauses,
                                   const SurchargeOptions& options) {
  if (fine_fen < 0) {
    return InvalidArgumentError(
        fmt::format("fine of {} fen is negative", fine_fen));
  }
  ZF_RETURN_IF_ERROR(CheckOptions(options));
  ZF_ASSIGN_OR_RETURN(std::int64_t days,
                      SurchargeAccrualDays(payment_due, as_of, review_pauses));
  // Once rate * days reaches 100% the cap applies (APL art. 72: the
  // surcharge may not exceed the fine). Checking first also keeps the
  // multiplier below 1000 for ScaledFine. days < 2^32 for valid dates, so
  // the product cannot overflow.
  const std::int64_t per_mille = days * options.rate_per_mille;
  if (per_mille >= kPerMille) return fine_fen;
  // Round the total once rather than each day's share, so that the result
  // does not depend on how the days are grouped.
  return std::min(fine_fen, ScaledFine(fine_fen, per_mille, options.rounding));
}

}  // namespace zf
