// The deadlines query: every open deadline of the selected cases on a day,
// with the rule and the facts its due date rests on.
#pragma once

#include <cstdint>
#include <vector>

#include "domain/case_book.h"
#include "rules/rule_book.h"
#include "zf/cases.h"
#include "zf/engine.h"
#include "zf/result.h"

namespace zf::internal {

// `instant` is the answer's moment (its China date is "today").
Result<std::vector<DeadlineEntry>> ListDeadlines(const RuleBook& rules, const CaseBook& cases,
                                                 const EngineOptions& options,
                                                 const DeadlineQuery& query,
                                                 std::int64_t instant);

}  // namespace zf::internal
