#include "domain/decider.h"

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

const CommandSpec* FindCommandSpec(std::string_view type) {
  for (const CommandSpec& spec : AllCommandSpecs()) {
    if (spec.type == type) return &spec;
  }
  return nullptr;
}

std::string StreamFor(const CommandSpec& spec, const Command& command) {
  return spec.target_field.empty() ? std::string(spec.stream)
                                   : std::string(spec.stream) + command.target;
}

}  // namespace zf::internal
