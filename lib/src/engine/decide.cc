#include "engine/decide.h"

#include "domain/actor_check.h"

namespace zf::internal {

Decision DecideAndStamp(const CommandSpec& spec, const Command& command, Timestamp at,
                        const RuleBook& rules, const CaseBook& cases,
                        const EngineOptions& options) {
  const DecisionContext context{command, at, rules, cases, options};
  // Who acts is judged before what is done, here and only here, so that
  // every path to the store (engine, dry run, import, HTTP) and the audit's
  // re-decision check it alike.
  if (auto refused = CheckActor(context.InForce(), command.actor, command.type)) {
    return std::move(*refused);
  }
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
