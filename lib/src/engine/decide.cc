#include "engine/decide.h"

namespace zf::internal {

Decision DecideAndStamp(const CommandSpec& spec, const Command& command, Timestamp at,
                        const RuleBook& rules, const CaseBook& cases,
                        const EngineOptions& options) {
  const DecisionContext context{command, at, rules, cases, options};
  Decision decision = spec.decide(context);
  if (auto* events = std::get_if<std::vector<NewEvent>>(&decision)) {
    for (NewEvent& event : *events) {
      event.occurred_at = command.at;
      event.actor = command.actor;
    }
  }
  return decision;
}

}  // namespace zf::internal
