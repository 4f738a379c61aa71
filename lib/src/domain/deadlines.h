// The deadlines a case has open (docs/domain.md, Deadlines), computed from its events and the
// calendar in force: what check_deadlines reports as events, and what the
// deadlines query lists.
#pragma once

#include <string>
#include <vector>

#include "domain/case_state.h"
#include "domain/decider.h"

namespace zf::internal {

struct OpenDeadline {
  std::string id;      // D2, D9, ...
  std::string label;   // for people (Chinese)
  std::string bearer;  // agency | party
  Date due_on;
  // The last day of the plain legal period, before pauses and extensions
  // moved it (D9: filing day + the limit; D2: the unextended working days);
  // due_on for deadlines nothing moves.
  Date limit_on;
};

using Deadlines = std::vector<OpenDeadline>;

// Every deadline case `c` has open at `context`'s moment (its command's
// time, the rules in force then and the engine options).
// Whether the list is empty depends on the case and the options only, not
// on the moment or the calendar in force (those move due dates): the audit
// relies on it to skip, at its end, the cases with nothing open after their
// last event (re_decider.cc, MayStayOpen; audit_speed_test.cc checks it).
Status OpenDeadlines(const DecisionContext& context, const CaseState& c, Deadlines* out);

}  // namespace zf::internal
