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

// The inline projection row of a case: its view without the parts that
// depend on reference data (area, names), so that a later change of the
// rules does not make stored rows stale. Key: CaseRowKey(id).
std::string CaseRowKey(std::string_view case_id);
std::string CaseRowJson(const CaseState& c, const RuleBook& rules);

}  // namespace zf::internal
