// Deciding one command on a given state, as the engine does it: the
// command's decider on the rules and cases before it, its events stamped
// with the command's time and actor. Shared by the engine (Judge) and the
// auditor (audit/re_decider.cc), so that a re-decision is the decision.
#pragma once

#include "domain/decider.h"

namespace zf::internal {

// REQUIRES: CheckCommand(command) passed; `at` is command.at parsed.
// The actor is checked first (domain/actor_check.h: the organisation and
// the permission matrix in force at `at`); then the events carry
// occurred_at = command.at and actor = command.actor.
Decision DecideAndStamp(const CommandSpec& spec, const Command& command, Timestamp at,
                        const RuleBook& rules, const CaseBook& cases,
                        const EngineOptions& options);

}  // namespace zf::internal
