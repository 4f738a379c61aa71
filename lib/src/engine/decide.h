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

// Seals the penalty decisions among `events` (crypto/seal.h) with the
// private key options.seal_keys holds for the deciding agency (data
// "handling_subject"), when that agency has a seal in force in `rules`' org
// on the decision's date ("decided_on"). Events of other types, and
// decisions of agencies with no seal in force, are left as they are.
// Errors: kFailedPrecondition when a seal is in force but no private key,
// or a key of another seal, is configured for it: the command is refused
// rather than recorded unsealed. The engine calls it after DecideAndStamp;
// the audit's re-decision does not (SM2 signatures are randomised: it
// checks the stored seal on its own).
Status SealDecisions(const RuleBook& rules, const EngineOptions& options,
                     std::vector<NewEvent>* events);

}  // namespace zf::internal
