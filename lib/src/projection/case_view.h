// Read models of a case: the docket line and the full view, as JSON-ready
// values, computed from the folded CaseState and the reference data.
#pragma once

#include <cstdint>
#include <optional>

#include <boost/json/object.hpp>

#include "domain/case_state.h"
#include "rules/rule_book.h"
#include "zf/cases.h"

namespace zf::internal {

// `instant` dates the org lookups (the township's area); nullopt = latest.
CaseSummary SummaryOf(const CaseState& c, const RuleBook& rules,
                      std::optional<std::int64_t> instant);

// Whether the case belongs on the docket `filter` describes.
bool Matches(const CaseSummary& summary, const CaseFilter& filter);

// The full view: summary fields, party, clue, handlers, the parts of the
// lifecycle reached, warnings and the timeline.
boost::json::object CaseViewJson(const CaseState& c, const RuleBook& rules,
                                 std::optional<std::int64_t> instant);

}  // namespace zf::internal
