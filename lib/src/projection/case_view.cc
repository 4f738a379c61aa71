#include "projection/case_view.h"

#include <boost/json/serialize.hpp>

#include <limits>

#include "util/rfc3339.h"

namespace zf::internal {
namespace {

std::string DateText(const Date& d) { return d.year == 0 ? std::string() : d.ToString(); }

std::string TimeText(std::int64_t micros) {
  return micros == 0 ? std::string() : FormatRfc3339(micros, 8 * 60, false);
}

boost::json::array Strings(const std::vector<std::string>& list) {
  boost::json::array out;
  for (const auto& s : list) out.emplace_back(s);
  return out;
}

boost::json::object DecisionJson(const DecisionRecord& d) {
  boost::json::object o{{"type", d.type},
                        {"decided_on", d.decided_on.ToString()},
                        {"handling_subject", d.handling_subject},
                        {"issuer_name", d.issuer_name},
                        {"penalty_types", Strings(d.penalty_types)},
                        {"fine_fen", d.fine_fen},
                        {"confiscation_fen", d.confiscation_fen},
                        {"correction_ordered", d.correction_ordered}};
  if (!d.document_number.empty()) o["document_number"] = d.document_number;
  if (!d.benchmark_id.empty()) {
    o["benchmark"] = {{"id", d.benchmark_id}, {"version", d.benchmark_version}};
  }
  o["leniency_entries"] = Strings(d.leniency_entries);
  return o;
}

// The summary with `area` as the township's area.
CaseSummary SummaryWithArea(const CaseState& c, std::string area) {
  CaseSummary s;
  s.id = c.id;
  s.state = c.state;
  s.procedure = c.procedure;
  s.item_code = c.item_code;
  s.township = c.township;
  s.area = std::move(area);
  s.handling_subject = c.handling_subject;
  s.party_id = c.party.id;
  s.party_name = c.party.name;
  s.discovered_on = DateText(c.discovered_on);
  if (c.filed_on) s.filed_on = c.filed_on->ToString();
  if (!c.timeline.empty()) s.last_event_at = TimeText(c.timeline.back().at);
  s.version = c.version;
  s.open = !c.IsFinal();
  return s;
}

std::string AreaOf(std::string_view township, const RuleBook& rules,
                   std::optional<std::int64_t> instant) {
  const std::int64_t at = instant.value_or(std::numeric_limits<std::int64_t>::max());
  const EnforcementArea* area = rules.org().AreaOfTownship(township, at);
  return area != nullptr ? area->id : std::string();
}

}  // namespace

CaseNames CaseNamesOf(std::string_view township, std::string_view handling_subject,
                      std::string_view item_code, const RuleBook& rules,
                      std::optional<std::int64_t> instant) {
  CaseNames names;
  names.area = AreaOf(township, rules, instant);
  if (!handling_subject.empty()) names.subject_name = rules.org().LegalNameOf(handling_subject);
  // The item's name as the list stood at the answer's moment.
  const PowerItemEntry* item = instant ? rules.powers().EntryAsOf(item_code, ChinaDateOf(*instant))
                                       : rules.powers().Latest(item_code);
  if (item != nullptr) names.item_name = item->version.name;
  return names;
}

CaseNames CaseNamesOf(const CaseState& c, const RuleBook& rules,
                      std::optional<std::int64_t> instant) {
  return CaseNamesOf(c.township, c.handling_subject, c.item_code, rules, instant);
}

CaseSummary SummaryOf(const CaseState& c, const RuleBook& rules,
                      std::optional<std::int64_t> instant) {
  return SummaryWithArea(c, AreaOf(c.township, rules, instant));
}

bool Matches(const CaseSummary& s, const CaseFilter& f) {
  auto pass = [](const std::string& want, const std::string& have) {
    return want.empty() || want == have;
  };
  return pass(f.state, s.state) && pass(f.handling_subject, s.handling_subject) &&
         pass(f.township, s.township) && pass(f.area, s.area) && pass(f.item_code, s.item_code) &&
         pass(f.party, s.party_id) && (!f.open_only || s.open);
}

boost::json::object CaseViewJson(const CaseState& c, const RuleBook& rules,
                                 std::optional<std::int64_t> instant) {
  return CaseViewJson(c, CaseNamesOf(c, rules, instant));
}

boost::json::object CaseViewJson(const CaseState& c, const CaseNames& names) {
  const CaseSummary s = SummaryWithArea(c, names.area);
  boost::json::object o{{"case_id", s.id},
                        {"state", s.state},
                        {"procedure", s.procedure},
                        {"item_code", s.item_code},
                        {"township", s.township},
                        {"area", s.area},
                        {"handling_subject", s.handling_subject},
                        {"discovered_on", s.discovered_on},
                        {"version", s.version},
                        {"open", s.open}};
  if (!s.handling_subject.empty()) {
    o["handling_subject_name"] = names.subject_name.value_or(s.handling_subject);
  }
  if (names.item_name) o["item_name"] = *names.item_name;
  if (!c.party.id.empty()) {
    o["party"] = {{"id", c.party.id}, {"name", c.party.name}, {"category", c.party.category}};
  }
  if (c.act_ended_on) o["act_ended_on"] = c.act_ended_on->ToString();
  o["clue"] = {{"source", c.clue.source},
               {"micro_grid", c.clue.micro_grid},
               {"address", c.clue.address},
               {"description", c.clue.description},
               {"registered_by_unit", c.clue.registered_by_unit},
               {"registered_at", TimeText(c.clue.registered_at)},
               {"joint_action_id", c.clue.joint_action_id},
               {"grid_ticket_id", c.clue.grid_ticket_id},
               {"attachment_digests", Strings(c.clue.attachment_digests)}};
  if (c.filed_on) {
    o["filing"] = {{"filed_on", c.filed_on->ToString()},
                   {"item_version", c.item_version},
                   {"handlers", Strings(c.handlers)}};
  }
  if (c.procedure_state.decision) o["decision"] = DecisionJson(*c.procedure_state.decision);
  o["warnings"] = Strings(c.warnings);
  boost::json::array timeline;
  for (const TimelineEntry& e : c.timeline) {
    timeline.push_back(
        {{"version", e.version}, {"type", e.type}, {"at", TimeText(e.at)}, {"actor", e.actor}});
  }
  o["timeline"] = std::move(timeline);
  return o;
}

std::string CaseRowKey(std::string_view case_id) {
  return "case_view/" + std::string(case_id);
}

std::string CaseRowJson(const CaseState& c, const RuleBook&) {
  boost::json::object row = CaseViewJson(c, CaseNames{});
  for (std::string_view key : {"area", "handling_subject_name", "item_name"}) row.erase(key);
  return boost::json::serialize(row);
}

boost::json::object CaseViewFromRow(const boost::json::object& row, const CaseNames& names) {
  // CaseViewJson's fields in its order. The row has them less the three
  // names, but not in that order: boost::json::object::erase moves the
  // last field into the erased one's place.
  static constexpr std::string_view kOrder[] = {
      "case_id", "state", "procedure", "item_code", "township", "area", "handling_subject",
      "discovered_on", "version", "open", "handling_subject_name", "item_name", "party",
      "act_ended_on", "clue", "filing", "decision", "warnings", "timeline"};
  boost::json::object view;
  view.reserve(row.size() + 3);
  const std::string_view subject = row.contains("handling_subject") &&
                                           row.at("handling_subject").is_string()
                                       ? std::string_view(row.at("handling_subject").as_string())
                                       : std::string_view();
  for (std::string_view key : kOrder) {
    if (key == "area") {
      view[key] = names.area;
    } else if (key == "handling_subject_name") {
      if (!subject.empty()) view[key] = names.subject_name.value_or(std::string(subject));
    } else if (key == "item_name") {
      if (names.item_name) view[key] = *names.item_name;
    } else if (const boost::json::value* value = row.if_contains(key)) {
      view[key] = *value;
    }
  }
  return view;
}

}  // namespace zf::internal
