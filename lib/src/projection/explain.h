// The explanation of a case's decisions (Engine::ExplainCase): for each
// decision the rule versions it used, where each came from in the log, the
// inputs, the computation, and the case's deadlines with the calendar days
// that moved them. See docs/audit.md, "Explain".
//
// The decisions' events record what the decider saw (versions, the
// evaluation); the explanation resolves the same rules again from the
// RuleBook as of each decision's time and says where the two disagree:
// an audit signal, never silently repaired.
#pragma once

#include <cstdint>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/case_book.h"
#include "rules/rule_book.h"
#include "zf/engine.h"
#include "zf/event.h"

namespace zf::internal {

// `events` are the case's own events as admitted (oldest first); `c` the
// case folded from them and `cases` the CaseBook of the same moment (for
// the party's history); `instant` is the explanation's "today" (unix
// micros).
boost::json::object ExplainCaseJson(const RuleBook& rules, const CaseBook& cases,
                                    const EngineOptions& options, const CaseState& c,
                                    const std::vector<EventRecord>& events, std::int64_t instant);

}  // namespace zf::internal
