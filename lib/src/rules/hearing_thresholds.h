// rules/hearing_thresholds: the "relatively large" fine and confiscation
// amounts above which the party must be told of the right to a hearing
// (APL art. 63; docs/domain.md, Ordinary procedure). They differ by department and party category
// [C], so they are reference data: set_hearing_threshold records a new
// version per (department, party_category); department "*" is the default
// for departments without their own.
//
// Thresholds are inclusive (docs/domain.md, Conventions: 以上 includes the number): a fine of
// exactly the threshold is hearing-eligible.
//
// Example:
//   auto eligible = rules.hearing_thresholds().IsHearingEligible(
//       "sx-market", HearingPartyCategory::kOrganisation, 12'000'000, 0, at);
//   // *eligible == true (120,000 yuan >= 100,000 yuan)
//
// Not thread-safe; the engine guards the RuleBook that holds it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "rules/benchmarks.h"  // PartyCategory
#include "rules/leniency_lists.h"  // EffectivePeriod, LocalStartOfDay
#include "zf/event.h"
#include "zf/result.h"
#include "zf/status.h"

namespace zf::internal {

// The department id of the default thresholds.
inline constexpr std::string_view kDefaultDepartment = "*";

// Do not renumber.
enum class HearingPartyCategory : int {
  kNaturalPerson = 0,  // natural_person
  kOrganisation = 1,   // organisation (legal persons and other organisations)
};
std::string_view HearingPartyCategoryName(HearingPartyCategory category);
std::optional<HearingPartyCategory> ParseHearingPartyCategory(std::string_view name);

// The hearing category of a party. Whether an individual business counts as
// a natural person is [U] (docs/domain.md, Conventions); the default follows the Civil Code.
HearingPartyCategory HearingCategoryFor(PartyCategory category,
                                        bool individual_business_as_natural_person = true);

// One version of one (department, party_category) threshold.
struct HearingThreshold {
  std::string department;  // district_department id, or "*"
  HearingPartyCategory party_category = HearingPartyCategory::kNaturalPerson;
  std::int64_t fine_min_fen = 0;          // a fine >= this is "relatively large"
  std::int64_t confiscation_min_fen = 0;  // confiscation worth >= this is too
  EffectivePeriod period;                 // open-ended; superseded by the next version
  std::string basis;                      // the rule the amounts come from
  std::string note;
  std::uint32_t version = 0;         // per (department, party_category)
  std::uint64_t stream_version = 0;  // rules/hearing_thresholds version
};

class HearingThresholds {
 public:
  // Folds one event of rules/hearing_thresholds; kCorruption for an
  // impossible shape.
  Status Apply(const EventRecord& event);

  // Every version for (department, category), oldest first.
  std::vector<const HearingThreshold*> History(std::string_view department,
                                               HearingPartyCategory category) const;

  // The threshold in force at `instant` for the department, else the "*"
  // default in force then, else nullptr. The Date overload asks at 00:00
  // local time of that day.
  const HearingThreshold* ThresholdAsOf(std::string_view department,
                                        HearingPartyCategory category,
                                        std::int64_t instant) const;
  const HearingThreshold* ThresholdAsOf(std::string_view department,
                                        HearingPartyCategory category, const Date& date) const {
    return ThresholdAsOf(department, category, LocalStartOfDay(date));
  }

  // True when the proposed fine or the value confiscated reaches the
  // threshold in force (inclusive). kNotFound (subject "department") when
  // neither the department nor "*" has a threshold at `instant`;
  // kInvalidArgument for a negative amount.
  Result<bool> IsHearingEligible(std::string_view department, HearingPartyCategory category,
                                 std::int64_t fine_fen, std::int64_t confiscation_fen,
                                 std::int64_t instant) const;
  Result<bool> IsHearingEligible(std::string_view department, HearingPartyCategory category,
                                 std::int64_t fine_fen, std::int64_t confiscation_fen,
                                 const Date& date) const {
    return IsHearingEligible(department, category, fine_fen, confiscation_fen,
                             LocalStartOfDay(date));
  }

 private:
  const HearingThreshold* Own(std::string_view department, HearingPartyCategory category,
                              std::int64_t instant) const;

  std::map<std::pair<std::string, HearingPartyCategory>, std::vector<HearingThreshold>>
      thresholds_;
};

}  // namespace zf::internal
