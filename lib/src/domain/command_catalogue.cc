#include "domain/decider.h"

namespace zf::internal {

const std::vector<CommandSpec>& AllCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"publish_holiday_calendar", "", kCalendarStream, &DecidePublishHolidayCalendar},
  };
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
