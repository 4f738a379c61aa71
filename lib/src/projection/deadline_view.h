// The deadlines query: every open deadline of the selected cases on a day,
// with the rule and the facts its due date rests on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/case_book.h"
#include "domain/decider.h"
#include "domain/deadlines.h"
#include "rules/rule_book.h"
#include "zf/cases.h"
#include "zf/engine.h"
#include "zf/result.h"

namespace zf::internal {

// The rule behind an open deadline, and for D9 the facts that moved it: in
// English (DeadlineEntry::basis) and in Chinese (basis_zh), citing the law
// as Chinese government documents do. The deadlines query and the audit's
// deadline findings both print it, so the two never cite differently.
struct DeadlineBasis {
  std::string en;
  std::string zh;
};
DeadlineBasis DeadlineBasisOf(const OpenDeadline& d, const CaseState& c,
                              const DecisionContext& context);

// `instant` is the answer's moment (its China date is "today").
Result<std::vector<DeadlineEntry>> ListDeadlines(const RuleBook& rules, const CaseBook& cases,
                                                 const EngineOptions& options,
                                                 const DeadlineQuery& query,
                                                 std::int64_t instant);

}  // namespace zf::internal
