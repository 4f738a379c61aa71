// The statistics of docs/domain.md, Statistics over a period, computed from the folded cases
// and the organisation: the seed's figures double as test data.
#pragma once

#include <optional>
#include <set>
#include <string>

#include <boost/json/object.hpp>

#include "domain/case_book.h"
#include "rules/rule_book.h"
#include "zf/calendar.h"

namespace zf::internal {

// The metrics for cases dated `from`..`to` (inclusive), keyed by the
// metric names of docs/domain.md, Statistics A matter is dated by the day it became a case:
// its filing, its on-the-spot decision, or (for a matter settled by a soft
// measure at the clue stage) the first soft measure. Inspect-once visits
// (stream inspection/<id>) are dated by their visit day.
// `townships`, when given, narrows the cases and visits to those that
// happened in one of them, and `area` ("" = all) the area headcount.
boost::json::object ComputeStatistics(const RuleBook& rules, const CaseBook& cases, Date from,
                                      Date to,
                                      const std::optional<std::set<std::string>>& townships = {},
                                      const std::string& area = {});

}  // namespace zf::internal
