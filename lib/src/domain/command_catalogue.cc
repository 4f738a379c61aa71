#include "domain/decider.h"

#include <unordered_map>

namespace zf::internal {

const std::vector<CommandSpec>& AllCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = [] {
    std::vector<CommandSpec> all = {
        {"publish_holiday_calendar", "", kCalendarStream, &DecidePublishHolidayCalendar},
    };
    for (const auto* list : {&OrgCommandSpecs(), &PowerCommandSpecs(), &LeniencyCommandSpecs(),
                             &BenchmarkCommandSpecs(), &HearingThresholdCommandSpecs(), &ClueCommandSpecs(),
                             &ProcedureCommandSpecs(), &ExecutionCommandSpecs(),
                             &GridTicketCommandSpecs(), &JointEnforcementCommandSpecs(),
                             &ReviewCampaignCommandSpecs(), &PermissionCommandSpecs()}) {
      all.insert(all.end(), list->begin(), list->end());
    }
    return all;
  }();
  return kSpecs;
}

// Every command is looked up by its type several times on its way (parse,
// check, decide, audit): a hashed index instead of a walk of ~100 specs.
const CommandSpec* FindCommandSpec(std::string_view type) {
  static const auto* const kByType = [] {
    auto* index = new std::unordered_map<std::string_view, const CommandSpec*>();
    for (const CommandSpec& spec : AllCommandSpecs()) index->try_emplace(spec.type, &spec);
    return index;
  }();
  auto it = kByType->find(type);
  return it == kByType->end() ? nullptr : it->second;
}

std::string StreamFor(const CommandSpec& spec, const Command& command) {
  return spec.target_field.empty() ? std::string(spec.stream)
                                   : std::string(spec.stream) + command.target;
}

}  // namespace zf::internal
