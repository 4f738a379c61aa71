#include "rules/hearing_thresholds.h"

#include <fmt/format.h>

namespace zf::internal {

std::string_view HearingPartyCategoryName(HearingPartyCategory category) {
  switch (category) {
    case HearingPartyCategory::kNaturalPerson: return "natural_person";
    case HearingPartyCategory::kOrganisation: return "organisation";
  }
  return "unknown";
}

std::optional<HearingPartyCategory> ParseHearingPartyCategory(std::string_view name) {
  if (name == "natural_person") return HearingPartyCategory::kNaturalPerson;
  if (name == "organisation") return HearingPartyCategory::kOrganisation;
  return std::nullopt;
}

HearingPartyCategory HearingCategoryFor(PartyCategory category,
                                        bool individual_business_as_natural_person) {
  switch (category) {
    case PartyCategory::kNaturalPerson: return HearingPartyCategory::kNaturalPerson;
    case PartyCategory::kIndividualBusiness:
      return individual_business_as_natural_person ? HearingPartyCategory::kNaturalPerson
                                                   : HearingPartyCategory::kOrganisation;
    case PartyCategory::kLegalPerson:
    case PartyCategory::kOtherOrganisation: return HearingPartyCategory::kOrganisation;
  }
  return HearingPartyCategory::kOrganisation;
}

Status HearingThresholds::Apply(const EventRecord& event) {
  if (event.type != "hearing_threshold_set") return Status::Ok();
  const boost::json::object* data = event.data.if_object();
  auto corrupt = [&](std::string_view what) {
    return CorruptionError(fmt::format("rules/hearing_thresholds v{}: {}", event.version, what));
  };
  if (data == nullptr) return corrupt("data is not an object");
  const boost::json::value* department = data->if_contains("department");
  const boost::json::value* category = data->if_contains("party_category");
  const boost::json::value* fine = data->if_contains("fine_min_fen");
  const boost::json::value* confiscation = data->if_contains("confiscation_min_fen");
  const boost::json::value* version = data->if_contains("version");
  if (!department || !department->is_string() || !category || !category->is_string() ||
      !fine || !fine->is_int64() || !confiscation || !confiscation->is_int64() || !version ||
      !version->is_int64()) {
    return corrupt("missing or mistyped field");
  }
  HearingThreshold t;
  t.department = department->as_string();
  auto parsed_category = ParseHearingPartyCategory(category->as_string());
  if (!parsed_category) return corrupt("unknown party_category");
  t.party_category = *parsed_category;
  t.fine_min_fen = fine->as_int64();
  t.confiscation_min_fen = confiscation->as_int64();
  auto period = ParseEffectivePeriod(*data, "");
  if (!period.ok()) return corrupt(period.status().message());
  t.period = *period;
  if (const auto* b = data->if_contains("basis"); b && b->is_string()) t.basis = b->as_string();
  if (const auto* n = data->if_contains("note"); n && n->is_string()) t.note = n->as_string();
  t.version = static_cast<std::uint32_t>(version->as_int64());
  t.stream_version = event.version;
  auto& history = thresholds_[{t.department, t.party_category}];
  if (t.version != history.size() + 1) return corrupt("version out of sequence");
  history.push_back(std::move(t));
  return Status::Ok();
}

std::vector<const HearingThreshold*> HearingThresholds::History(
    std::string_view department, HearingPartyCategory category) const {
  std::vector<const HearingThreshold*> out;
  auto it = thresholds_.find({std::string(department), category});
  if (it != thresholds_.end()) {
    for (const HearingThreshold& t : it->second) out.push_back(&t);
  }
  return out;
}

const HearingThreshold* HearingThresholds::Own(std::string_view department,
                                               HearingPartyCategory category,
                                               std::int64_t instant) const {
  auto it = thresholds_.find({std::string(department), category});
  if (it == thresholds_.end()) return nullptr;
  const HearingThreshold* latest = nullptr;
  for (const HearingThreshold& t : it->second) {
    if (t.period.from <= instant) latest = &t;
  }
  return latest;
}

const HearingThreshold* HearingThresholds::ThresholdAsOf(std::string_view department,
                                                         HearingPartyCategory category,
                                                         std::int64_t instant) const {
  if (const HearingThreshold* own = Own(department, category, instant)) return own;
  return Own(kDefaultDepartment, category, instant);
}

Result<bool> HearingThresholds::IsHearingEligible(std::string_view department,
                                                  HearingPartyCategory category,
                                                  std::int64_t fine_fen,
                                                  std::int64_t confiscation_fen,
                                                  std::int64_t instant) const {
  if (fine_fen < 0 || confiscation_fen < 0) {
    return InvalidArgumentError("amounts must not be negative").WithSubject("fine_fen");
  }
  const HearingThreshold* t = ThresholdAsOf(department, category, instant);
  if (t == nullptr) {
    return NotFoundError(fmt::format("no hearing threshold for {} ({}) nor a default in force",
                                     department, HearingPartyCategoryName(category)))
        .WithSubject("department");
  }
  // 以上 includes the number (docs/domain.md, Conventions); a zero amount never qualifies.
  return (fine_fen > 0 && fine_fen >= t->fine_min_fen) ||
         (confiscation_fen > 0 && confiscation_fen >= t->confiscation_min_fen);
}

}  // namespace zf::internal
