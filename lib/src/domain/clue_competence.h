// J4 (docs/domain.md, Competence resolution [U]): the power item a filed case rests on may be withdrawn
// or changed later (list_adjustment), or its delegation withdrawn. The
// subject that filed keeps the case (EngineOptions::
// filer_keeps_case_on_item_change, default true) and the case records a
// `competence_warning_raised` event, once per change.
//
// Any case command after filing may append CompetenceWarningEvent()'s event
// before its own; the command review_competence records it on its own.
#pragma once

#include <optional>

#include "domain/case_state.h"
#include "domain/decider.h"

namespace zf::internal {

// The competence_warning_raised event for `c` if competence resolution on the command's date
// no longer gives what the filing rested on (the item withdrawn, a new item
// version, or another competent subject) and that change has not been
// recorded yet; nullopt otherwise (also for a case not filed).
std::optional<NewEvent> CompetenceWarningEvent(const DecisionContext& context, const CaseState& c);

}  // namespace zf::internal
