// Read models of a case: the docket line and the full view, as JSON-ready
// values, computed from the folded CaseState and the reference data.
#pragma once

#include <cstdint>
#include <optional>

#include <boost/json/object.hpp>

#include "domain/case_state.h"
#include "projection/reference_names.h"
#include "rules/rule_book.h"
#include "zf/cases.h"

namespace zf::internal {

// The names of the case's township's area, handling subject and item as of
// `instant` (nullopt = latest).
CaseNames CaseNamesOf(const CaseState& c, const RuleBook& rules,
                      std::optional<std::int64_t> instant);
CaseNames CaseNamesOf(std::string_view township, std::string_view handling_subject,
                      std::string_view item_code, const RuleBook& rules,
                      std::optional<std::int64_t> instant);

// `instant` dates the org lookups (the township's area); nullopt = latest.
CaseSummary SummaryOf(const CaseState& c, const RuleBook& rules,
                      std::optional<std::int64_t> instant);

// Whether the case belongs on the docket `filter` describes.
bool Matches(const CaseSummary& summary, const CaseFilter& filter);

// The full view: summary fields, party, clue, handlers, the parts of the
// lifecycle reached, warnings and the timeline.
boost::json::object CaseViewJson(const CaseState& c, const RuleBook& rules,
                                 std::optional<std::int64_t> instant);
// The same view from names looked up elsewhere (the stored names rows).
boost::json::object CaseViewJson(const CaseState& c, const CaseNames& names);

// The inline projection row of a case: its view without the parts that
// depend on reference data (area, names), so that a later change of the
// rules does not make stored rows stale. Key: CaseRowKey(id).
std::string CaseRowKey(std::string_view case_id);
std::string CaseRowJson(const CaseState& c, const RuleBook& rules);

// The view now (CaseViewJson with no instant) from the case's stored row
// and its names: the same object, field for field and in the same order.
boost::json::object CaseViewFromRow(const boost::json::object& row, const CaseNames& names);

}  // namespace zf::internal
