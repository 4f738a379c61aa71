#include "projection/statistics.h"

#include <map>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "util/rfc3339.h"

namespace zf::internal {
namespace {

// The day the matter became a case, if it did.
std::optional<Date> CaseDate(const CaseState& c) {
  if (c.filed_on) return c.filed_on;
  if (c.procedure == "simplified" && c.procedure_state.decision) {
    return c.procedure_state.decision->decided_on;
  }
  if (!c.clue.soft_measures.empty()) return c.clue.soft_measures.front().issued_on;
  return std::nullopt;
}

double Round4(double x) {
  return static_cast<double>(static_cast<std::int64_t>(x * 10000 + (x < 0 ? -0.5 : 0.5))) / 10000;
}

bool InPeriod(const std::optional<Date>& d, Date from, Date to) {
  return d && !(*d < from) && !(to < *d);
}

bool IsEnterprise(const CaseState& c) {
  return c.party.category == "organisation" || c.party.category == "individual_business";
}

// The list an applied entry ("entry_id@version") belongs to.
std::optional<LeniencyListKind> ListOf(const RuleBook& rules, const std::string& applied) {
  const std::string id = applied.substr(0, applied.find('@'));
  for (const LeniencyEntry* e : rules.leniency().History(id)) return e->list_kind;
  return std::nullopt;
}

// How the case used the four lists or a soft measure (docs/domain.md, Statistics
// leniency_applied; the seed's breakdown 6/15/22/9/23), or "".
std::string LeniencyUse(const RuleBook& rules, const CaseState& c) {
  if (const auto& d = c.procedure_state.decision) {
    bool mitigated = false;
    bool lighter = false;
    bool no_penalty = false;
    for (const std::string& applied : d->leniency_entries) {
      const auto kind = ListOf(rules, applied);
      if (!kind) continue;
      mitigated |= *kind == LeniencyListKind::kMitigatedPenalty;
      lighter |= *kind == LeniencyListKind::kLighterPenalty;
      no_penalty |= *kind == LeniencyListKind::kNoPenalty;
    }
    if (d->type == "no_penalty" || no_penalty) return "no_penalty";
    if (mitigated) return "mitigated_penalty";
    if (lighter) return "lighter_penalty";
  }
  for (const SoftMeasure& m : c.clue.soft_measures) {
    if (m.kind == "compliance_reminder_letter") return m.kind;
  }
  for (const SoftMeasure& m : c.clue.soft_measures) {
    if (m.kind == "correction_notice") return m.kind;
  }
  return "";
}

struct PeriodCounts {
  std::int64_t total = 0;
  std::int64_t online = 0;
  std::int64_t offline = 0;
  std::int64_t delegated = 0;
  std::int64_t enterprise = 0;
  std::int64_t enterprise_leniency = 0;
  std::map<std::string, std::int64_t> delegated_by_township;
  std::map<std::string, std::int64_t> leniency_by_kind;
};

using Townships = std::optional<std::set<std::string>>;

bool InScope(const Townships& townships, const std::string& township) {
  return !townships || townships->count(township) > 0;
}

PeriodCounts Count(const RuleBook& rules, const CaseBook& cases, Date from, Date to,
                   const Townships& townships) {
  PeriodCounts n;
  cases.ForEachCase([&](const CaseState& c) {
    if (!InPeriod(CaseDate(c), from, to) || !InScope(townships, c.township)) return;
    ++n.total;
    ++(c.channel == "offline" ? n.offline : n.online);
    if (c.delegated) {
      ++n.delegated;
      ++n.delegated_by_township[c.handling_subject];
    }
    if (!IsEnterprise(c)) return;
    ++n.enterprise;
    if (const std::string use = LeniencyUse(rules, c); !use.empty()) {
      ++n.enterprise_leniency;
      ++n.leniency_by_kind[use];
    }
  });
  return n;
}

boost::json::object CountMap(const std::map<std::string, std::int64_t>& m) {
  boost::json::object o;
  for (const auto& [key, value] : m) o[key] = value;
  return o;
}

// (current - prior) / prior, rounded to 4 places; null without a prior.
boost::json::value Growth(std::int64_t current, std::int64_t prior) {
  if (prior == 0) return nullptr;
  return Round4(static_cast<double>(current - prior) / static_cast<double>(prior));
}

// Inspect once (docs/domain.md, Joint enforcement, Statistics). A combined visit checks the items of every
// department of its scenario at once, so it stands in for one separate
// visit per department: it saves (departments - 1) visits. The rate is
// saved / (visits made + saved), Shaxian's 695 / (271 + 695).
struct InspectionCounts {
  std::int64_t visits = 0;
  std::int64_t saved = 0;
  std::set<std::string> parties;
};

InspectionCounts CountInspections(const CaseBook& cases, Date from, Date to,
                                  const Townships& townships) {
  InspectionCounts n;
  cases.ForEachInspection([&](const InspectionState& v) {
    if (!InPeriod(v.visited_on, from, to) || !InScope(townships, v.township)) return;
    ++n.visits;
    n.parties.insert(v.party_id);
    const InspectionScenarioState* scenario = cases.FindInspectionScenario(v.scenario_id);
    if (scenario != nullptr && scenario->departments.size() > 1) {
      n.saved += static_cast<std::int64_t>(scenario->departments.size()) - 1;
    }
  });
  return n;
}

// The first day any case of the log is dated, if there is a case.
std::optional<Date> FirstCaseDate(const CaseBook& cases) {
  std::optional<Date> first;
  cases.ForEachCase([&](const CaseState& c) {
    const std::optional<Date> d = CaseDate(c);
    if (d && (!first || *d < *first)) first = d;
  });
  return first;
}

// The base period of the year-on-year figures, and whether the log's cases
// cover it: a base period that starts before the first recorded case (the
// sample's 2022 holds only December) is incomplete, and its growth is not a
// like-for-like comparison.
void AddPriorPeriod(boost::json::object& o, const CaseBook& cases, Date prior_from, Date prior_to) {
  const std::optional<Date> first = FirstCaseDate(cases);
  o["prior_from"] = prior_from.ToString();
  o["prior_to"] = prior_to.ToString();
  o["cases_recorded_from"] = first ? boost::json::value(first->ToString()) : nullptr;
  o["prior_period_incomplete"] = !first || prior_from < *first;
}

}  // namespace

boost::json::object ComputeStatistics(const RuleBook& rules, const CaseBook& cases, Date from,
                                      Date to, const Townships& townships,
                                      const std::string& area) {
  const PeriodCounts now = Count(rules, cases, from, to, townships);
  const Date prior_from = AddYears(from, -1);
  const Date prior_to = AddYears(to, -1);
  const PeriodCounts prior = Count(rules, cases, prior_from, prior_to, townships);
  const OrgModel& org = rules.org();
  boost::json::object area_headcount;
  for (const EnforcementArea* a : org.Areas()) {
    if (!area.empty() && a->id != area) continue;
    area_headcount[a->id] = static_cast<std::int64_t>(org.OfficersOfArea(a->id, to).size());
  }
  boost::json::object o;
  o["from"] = from.ToString();
  o["to"] = to.ToString();
  o["cases_total"] = now.total;
  o["cases_online"] = now.online;
  o["cases_offline"] = now.offline;
  o["delegated_cases"] = now.delegated;
  o["delegated_cases_by_township"] = CountMap(now.delegated_by_township);
  o["delegated_cases_prior_year"] = prior.delegated;
  o["yoy_growth"] = Growth(now.delegated, prior.delegated);
  AddPriorPeriod(o, cases, prior_from, prior_to);
  o["cases_total_prior_year"] = prior.total;
  o["enterprise_cases"] = now.enterprise;
  o["leniency_applied"] = now.enterprise_leniency;
  o["leniency_by_list"] = CountMap(now.leniency_by_kind);
  const InspectionCounts visits = CountInspections(cases, from, to, townships);
  o["inspections"] = static_cast<std::int64_t>(visits.parties.size());
  o["inspection_visits"] = visits.visits;
  o["inspection_visits_saved"] = visits.saved;
  o["inspection_reduction_rate"] =
      visits.visits + visits.saved == 0
          ? boost::json::value(nullptr)
          : boost::json::value(Round4(static_cast<double>(visits.saved) /
                                      static_cast<double>(visits.visits + visits.saved)));
  o["officers_distinct"] = static_cast<std::int64_t>(org.DistinctOfficerCount(to));
  o["officer_assignments"] = static_cast<std::int64_t>(org.AssignmentCount(to));
  o["area_headcount"] = std::move(area_headcount);
  return o;
}

}  // namespace zf::internal
