// Joint enforcement and "inspect once" (docs/domain.md, Joint enforcement).
//
// A joint action (stream joint_action/<id>) is planned by the area chief of
// an enforcement area with credentialed participants of several agencies,
// records findings — each routed through competence resolution to the subject competent for
// its item at its place, which the event names — and is closed. Clues are
// raised from findings by register_clue with joint_action_id (intake).
//
// An inspection scenario (stream inspection_scenario/<id>) bundles items of
// several departments; a visit (stream inspection/<id>) checks every item
// of a scenario at once, one result per item, each with the agency
// responsible for it at the place (computed, not stated).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "domain/case_helpers.h"
#include "domain/inspection_state.h"
#include "domain/joint_action_state.h"

namespace zf::internal {
namespace {

constexpr std::string_view kJointBasis =
    "《福建省乡镇（街道）片区联合执法试点工作方案》（闽委编办〔2023〕128号） (片区联合执法: the area chief convenes and leads joint actions)";
constexpr std::string_view kOfficersBasis = "APL arts. 42, 55 (at least two credentialed officers)";
constexpr std::string_view kInspectBasis = "《福建省乡镇（街道）片区联合执法试点工作方案》（闽委编办〔2023〕128号） (综合查一次: one visit, every item)";

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Each officer registered, with a credential valid on `date`; at least two.
std::optional<Rejection> CheckOfficers(const DecisionContext& context,
                                       const std::vector<std::string>& officers, Date date,
                                       std::string_view field) {
  if (officers.size() < 2) {
    return Rejection{"too_few_officers",
                     fmt::format("{} officer(s) named; at least 2 are required", officers.size()),
                     std::string(kOfficersBasis), DataPointer(field)};
  }
  const OrgModel& org = context.rules.org();
  for (std::size_t i = 0; i < officers.size(); ++i) {
    const std::string pointer = fmt::format("{}/{}", DataPointer(field), i);
    if (org.FindOfficer(officers[i]) == nullptr) {
      return Rejection{"unknown_officer",
                       fmt::format("{} is not an officer registered in org", officers[i]),
                       std::string(kOfficersBasis), pointer};
    }
    if (org.ValidCredential(officers[i], date) == nullptr) {
      return Rejection{"credential_invalid",
                       fmt::format("{} holds no enforcement credential valid on {}", officers[i],
                                   date.ToString()),
                       std::string(kOfficersBasis), pointer};
    }
  }
  return std::nullopt;
}

// The leader of the action, or the area's coordination leader who assists
// (docs/domain.md, Roles), may act for it.
bool LeadsAction(const DecisionContext& context, const JointActionState& action) {
  const std::string& actor = context.command.actor.id;
  if (actor == action.leader) return true;
  const AreaLeadership* l =
      context.rules.org().LeadershipOf(action.area, context.at.unix_micros);
  return l != nullptr && l->coordination_leader == actor;
}

// --- Joint actions ------------------------------------------------------------

Decision DecidePlanJointAction(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  const OrgModel& org = context.rules.org();
  if (const JointActionState* a = context.cases.FindJointAction(context.command.target);
      a != nullptr && a->Exists()) {
    return Reject("joint_action_exists",
                  fmt::format("joint action {} is already planned", context.command.target),
                  std::string(kJointBasis), "/joint_action_id");
  }
  const std::string area_id = Text(data, "area");
  if (org.FindArea(area_id) == nullptr) {
    return Reject("unknown_area", fmt::format("{} is not an enforcement area", area_id),
                  std::string(kJointBasis), DataPointer("area"));
  }
  auto date = Date::Parse(Text(data, "date"));
  if (!date.ok()) {
    return Reject("date_invalid", std::string(date.status().message()), std::string(kJointBasis),
                  DataPointer("date"));
  }
  const std::string leader = Text(data, "leader");
  const AreaLeadership* leadership = org.LeadershipOf(area_id, StartOfLocalDay(*date));
  if (leadership == nullptr || leadership->area_chief != leader) {
    return Reject("not_area_chief",
                  fmt::format("{} is not the area chief of {} on {} (the chief is {}); a joint "
                              "action is led by the area chief",
                              leader, area_id, date->ToString(),
                              leadership != nullptr ? leadership->area_chief : "nobody"),
                  std::string(kJointBasis), DataPointer("leader"));
  }
  const std::string& actor = context.command.actor.id;
  if (actor != leader && leadership->coordination_leader != actor) {
    return Reject("not_area_chief",
                  fmt::format("{} may not plan a joint action of {}: only its area chief {} or "
                              "coordination leader {}",
                              actor, area_id, leader, leadership->coordination_leader),
                  std::string(kJointBasis), "/actor/id");
  }
  if (const std::string scenario = Text(data, "scenario_id"); !scenario.empty()) {
    const InspectionScenarioState* s = context.cases.FindInspectionScenario(scenario);
    if (s == nullptr || !s->Exists()) {
      return Reject("unknown_inspection_scenario",
                    fmt::format("{} is not a defined inspection scenario", scenario),
                    std::string(kInspectBasis), DataPointer("scenario_id"));
    }
  }
  std::vector<std::string> officers;
  const boost::json::array& participants = data.at("participants").as_array();
  for (std::size_t i = 0; i < participants.size(); ++i) {
    const auto& p = participants[i].as_object();
    const std::string officer = Text(p, "officer");
    const std::string agency = Text(p, "agency");
    const Officer* o = org.FindOfficer(officer);
    if (o != nullptr && o->agency != agency) {
      return Reject("participant_agency_mismatch",
                    fmt::format("{} is an officer of {}, not of {}", officer, o->agency, agency),
                    std::string(kJointBasis), fmt::format("/data/participants/{}/agency", i));
    }
    if (Contains(officers, officer)) {
      return Reject("participant_duplicate", fmt::format("{} is named twice", officer),
                    std::string(kJointBasis), fmt::format("/data/participants/{}/officer", i));
    }
    officers.push_back(officer);
  }
  if (auto r = CheckOfficers(context, officers, *date, "participants")) {
    // Point at the participant's officer field, not the array element.
    if (r->pointer.size() > DataPointer("participants").size()) r->pointer += "/officer";
    return *r;
  }
  boost::json::object event = data;
  event["coordination_leader"] = leadership->coordination_leader;
  return Events(Emit("joint_action_planned", std::move(event)));
}

Decision DecideRecordJointFinding(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  const JointActionState* action = context.cases.FindJointAction(context.command.target);
  if (action == nullptr || !action->Exists()) {
    return Reject("joint_action_not_found",
                  fmt::format("no joint action {} is planned", context.command.target),
                  std::string(kJointBasis), "/joint_action_id");
  }
  if (action->state != "planned") {
    return Reject("invalid_state",
                  fmt::format("joint action {} is {}; findings are recorded while it is planned",
                              action->id, action->state),
                  std::string(kJointBasis), "/command");
  }
  const std::string finding_id = Text(data, "finding_id");
  if (action->Finding(finding_id) != nullptr) {
    return Reject("finding_exists",
                  fmt::format("finding {} of {} is already recorded", finding_id, action->id),
                  std::string(kJointBasis), DataPointer("finding_id"));
  }
  const std::string case_id = Text(data, "case_id");
  if (!case_id.empty() && action->FindingOfCase(case_id) != nullptr) {
    return Reject("finding_case_taken",
                  fmt::format("case {} is already the clue of finding {}", case_id,
                              action->FindingOfCase(case_id)->finding_id),
                  std::string(kJointBasis), DataPointer("case_id"));
  }
  if (context.date() < action->date) {
    return Reject("finding_before_action",
                  fmt::format("joint action {} takes place on {}", action->id,
                              action->date.ToString()),
                  std::string(kJointBasis), "/at");
  }
  std::string township;
  if (auto r = ResolvePlace(context, data, &township)) return *r;
  const std::string item_code = Text(data, "item_code");
  const PowerItemVersion* item = context.InForce().PowerItem(item_code);
  if (item == nullptr) {
    return Reject("unknown_power_item",
                  fmt::format("{} is not a power item in force on {}", item_code,
                              context.date().ToString()),
                  "APL art. 24 (the power list in force)", DataPointer("item_code"));
  }
  if (const auto act = OptionalDate(data, "act_date"); act && context.date() < *act) {
    return Reject("act_in_future", "act_date is after the finding",
                  "APL art. 36 (limitation runs from the act)", DataPointer("act_date"));
  }
  const std::vector<std::string> recorded_by = TextList(data, "recorded_by");
  for (std::size_t i = 0; i < recorded_by.size(); ++i) {
    if (!action->IsParticipant(recorded_by[i])) {
      return Reject("not_a_participant",
                    fmt::format("{} is not a participant of joint action {}", recorded_by[i],
                                action->id),
                    std::string(kJointBasis), fmt::format("/data/recorded_by/{}", i));
    }
  }
  if (auto r = CheckOfficers(context, recorded_by, context.date(), "recorded_by")) return *r;
  CompetenceConfig config = CompetenceConfigOf(context.options);
  config.with_legal_basis = false;  // the finding records the subject and the reason
  auto competence = context.InForce().CompetentSubject(item_code, township, config);
  if (!competence.ok() || competence->subject.empty()) {
    return Reject("no_competent_subject",
                  fmt::format("no subject is competent for {} in {} on {}: {}", item_code,
                              township, context.date().ToString(),
                              competence.ok() ? competence->reason
                                              : std::string(competence.status().message())),
                  "APL arts. 22, 24, 38 (competence)", DataPointer("item_code"));
  }
  boost::json::object event = data;
  event["township"] = township;
  event["item_version"] = static_cast<std::int64_t>(item->version);
  event["found_on"] = context.date().ToString();
  event["competent_subject"] = competence->subject;
  event["issuer_name"] =
      context.rules.org().LegalNameOf(competence->subject).value_or(competence->subject);
  event["competence_reason"] = competence->reason;
  return Events(Emit("joint_finding_recorded", std::move(event)));
}

Decision DecideCloseJointAction(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  const JointActionState* action = context.cases.FindJointAction(context.command.target);
  if (action == nullptr || !action->Exists()) {
    return Reject("joint_action_not_found",
                  fmt::format("no joint action {} is planned", context.command.target),
                  std::string(kJointBasis), "/joint_action_id");
  }
  if (action->state != "planned") {
    return Reject("invalid_state",
                  fmt::format("joint action {} is {}; only a planned action is closed", action->id,
                              action->state),
                  std::string(kJointBasis), "/command");
  }
  if (!LeadsAction(context, *action)) {
    return Reject("not_area_chief",
                  fmt::format("{} may not close joint action {} led by {}",
                              context.command.actor.id, action->id, action->leader),
                  std::string(kJointBasis), "/actor/id");
  }
  std::set<std::string> subjects;
  for (const JointFinding& f : action->findings) subjects.insert(f.competent_subject);
  boost::json::object event = data;
  event["finding_count"] = static_cast<std::int64_t>(action->findings.size());
  boost::json::array list;
  for (const auto& s : subjects) list.emplace_back(s);
  event["subjects"] = std::move(list);
  return Events(Emit("joint_action_closed", std::move(event)));
}

// --- Inspect once -------------------------------------------------------------------

Decision DecideDefineInspectionScenario(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  if (const InspectionScenarioState* s =
          context.cases.FindInspectionScenario(context.command.target);
      s != nullptr && s->Exists()) {
    return Reject("inspection_scenario_exists",
                  fmt::format("inspection scenario {} is already defined", context.command.target),
                  std::string(kInspectBasis), "/scenario_id");
  }
  const std::vector<std::string> items = TextList(data, "items");
  std::set<std::string> departments;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string pointer = fmt::format("/data/items/{}", i);
    const PowerItemVersion* item = context.InForce().PowerItem(items[i]);
    if (item == nullptr) {
      return Reject("unknown_power_item",
                    fmt::format("{} is not a power item in force on {}", items[i],
                                context.date().ToString()),
                    "APL art. 24 (the power list in force)", pointer);
    }
    if (std::count(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(i), items[i]) > 0) {
      return Reject("duplicate_item", fmt::format("{} is listed twice", items[i]),
                    std::string(kInspectBasis), pointer);
    }
    departments.insert(item->original_subject);
  }
  if (departments.size() < 2) {
    return Reject("single_department",
                  fmt::format("the items belong to {} department(s); an inspect-once scenario "
                              "bundles the items of several departments",
                              departments.size()),
                  std::string(kInspectBasis), DataPointer("items"));
  }
  boost::json::object event = data;
  boost::json::array list;
  for (const auto& d : departments) list.emplace_back(d);
  event["departments"] = std::move(list);
  return Events(Emit("inspection_scenario_defined", std::move(event)));
}

Decision DecideRecordInspectionVisit(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  if (const InspectionState* v = context.cases.FindInspection(context.command.target);
      v != nullptr && v->Exists()) {
    return Reject("inspection_exists",
                  fmt::format("inspection {} is already recorded", context.command.target),
                  std::string(kInspectBasis), "/inspection_id");
  }
  const std::string scenario_id = Text(data, "scenario_id");
  const InspectionScenarioState* scenario = context.cases.FindInspectionScenario(scenario_id);
  if (scenario == nullptr || !scenario->Exists()) {
    return Reject("unknown_inspection_scenario",
                  fmt::format("{} is not a defined inspection scenario", scenario_id),
                  std::string(kInspectBasis), DataPointer("scenario_id"));
  }
  if (const std::string ja = Text(data, "joint_action_id"); !ja.empty()) {
    const JointActionState* action = context.cases.FindJointAction(ja);
    if (action == nullptr || !action->Exists()) {
      return Reject("joint_action_not_found", fmt::format("no joint action {} is planned", ja),
                    std::string(kJointBasis), DataPointer("joint_action_id"));
    }
  }
  std::string township;
  if (auto r = ResolvePlace(context, data, &township)) return *r;
  if (auto r = CheckOfficers(context, TextList(data, "officers"), context.date(), "officers")) {
    return *r;
  }
  const boost::json::array& results = data.at("results").as_array();
  std::set<std::string> seen;
  boost::json::array out;
  std::int64_t non_compliant = 0;
  CompetenceConfig config = CompetenceConfigOf(context.options);
  config.with_legal_basis = false;  // the visit records who is responsible, not why
  for (std::size_t i = 0; i < results.size(); ++i) {
    boost::json::object r = results[i].as_object();
    const std::string item = Text(r, "item_code");
    const std::string pointer = fmt::format("/data/results/{}/item_code", i);
    if (!scenario->HasItem(item)) {
      return Reject("item_not_in_scenario",
                    fmt::format("{} is not an item of scenario {}", item, scenario_id),
                    std::string(kInspectBasis), pointer);
    }
    if (!seen.insert(item).second) {
      return Reject("duplicate_result", fmt::format("{} has two results", item),
                    std::string(kInspectBasis), pointer);
    }
    auto competence = context.InForce().CompetentSubject(item, township, config);
    r["responsible_agency"] = competence.ok() ? competence->subject : std::string();
    if (Text(r, "result") == "non_compliant") ++non_compliant;
    out.push_back(std::move(r));
  }
  for (const std::string& item : scenario->items) {
    if (!seen.contains(item)) {
      return Reject("inspection_result_missing",
                    fmt::format("scenario {} checks {}; the visit has no result for it",
                                scenario_id, item),
                    std::string(kInspectBasis), DataPointer("results"));
    }
  }
  boost::json::object event = data;
  event["township"] = township;
  event["visited_on"] = context.date().ToString();
  event["results"] = std::move(out);
  event["non_compliant_count"] = non_compliant;
  return Events(Emit("inspection_visit_recorded", std::move(event)));
}

}  // namespace

// --- States -------------------------------------------------------------------------

const JointFinding* JointActionState::Finding(std::string_view finding_id) const {
  for (const JointFinding& f : findings) {
    if (f.finding_id == finding_id) return &f;
  }
  return nullptr;
}

const JointFinding* JointActionState::FindingOfCase(std::string_view case_id) const {
  if (case_id.empty()) return nullptr;
  for (const JointFinding& f : findings) {
    if (f.case_id == case_id) return &f;
  }
  return nullptr;
}

bool JointActionState::IsParticipant(std::string_view officer) const {
  for (const JointParticipant& p : participants) {
    if (p.officer == officer) return true;
  }
  return false;
}

Status EvolveJointAction(JointActionState& state, const EventRecord& event) {
  const boost::json::object& data = event.data.as_object();
  const auto occurred = ParseRfc3339(event.occurred_at);
  const std::int64_t at = occurred.ok() ? occurred->unix_micros : 0;
  if (event.type == "joint_action_planned") {
    state.state = "planned";
    ZF_ASSIGN_OR_RETURN(state.area, EventText(event, "area"));
    ZF_ASSIGN_OR_RETURN(state.leader, EventText(event, "leader"));
    ZF_ASSIGN_OR_RETURN(state.date, EventDate(event, "date"));
    state.title = Text(data, "title");
    state.scenario_id = Text(data, "scenario_id");
    state.targets = TextList(data, "targets");
    if (const auto* list = data.if_contains("participants"); list && list->is_array()) {
      for (const auto& p : list->as_array()) {
        if (!p.is_object()) continue;
        state.participants.push_back({Text(p.as_object(), "officer"), Text(p.as_object(), "agency")});
      }
    }
    return Status::Ok();
  }
  if (event.type == "joint_finding_recorded") {
    JointFinding f;
    ZF_ASSIGN_OR_RETURN(f.finding_id, EventText(event, "finding_id"));
    ZF_ASSIGN_OR_RETURN(f.item_code, EventText(event, "item_code"));
    ZF_ASSIGN_OR_RETURN(f.township, EventText(event, "township"));
    ZF_ASSIGN_OR_RETURN(f.competent_subject, EventText(event, "competent_subject"));
    if (const auto* party = data.if_contains("party"); party && party->is_object()) {
      f.party_id = Text(party->as_object(), "id");
      f.party_name = Text(party->as_object(), "name");
      f.party_category = Text(party->as_object(), "category");
    }
    f.micro_grid = Text(data, "micro_grid");
    f.address = Text(data, "address");
    f.description = Text(data, "description");
    f.act_date = OptionalDate(data, "act_date");
    f.act_id = Text(data, "act_id");
    f.case_id = Text(data, "case_id");
    f.recorded_by = TextList(data, "recorded_by");
    f.recorded_at = at;
    state.findings.push_back(std::move(f));
    return Status::Ok();
  }
  if (event.type == "joint_action_closed") {
    state.state = "closed";
    state.summary = Text(data, "summary");
    return Status::Ok();
  }
  return CorruptionError(fmt::format("no joint_action event type '{}'", event.type));
}

bool InspectionScenarioState::HasItem(std::string_view item_code) const {
  return std::find(items.begin(), items.end(), item_code) != items.end();
}

Status EvolveInspectionScenario(InspectionScenarioState& state, const EventRecord& event) {
  if (event.type != "inspection_scenario_defined") {
    return CorruptionError(fmt::format("no inspection_scenario event type '{}'", event.type));
  }
  const boost::json::object& data = event.data.as_object();
  ZF_ASSIGN_OR_RETURN(state.name, EventText(event, "name"));
  state.items = TextList(data, "items");
  state.departments = TextList(data, "departments");
  return Status::Ok();
}

Status EvolveInspection(InspectionState& state, const EventRecord& event) {
  if (event.type != "inspection_visit_recorded") {
    return CorruptionError(fmt::format("no inspection event type '{}'", event.type));
  }
  const boost::json::object& data = event.data.as_object();
  ZF_ASSIGN_OR_RETURN(state.scenario_id, EventText(event, "scenario_id"));
  ZF_ASSIGN_OR_RETURN(state.township, EventText(event, "township"));
  ZF_ASSIGN_OR_RETURN(state.visited_on, EventDate(event, "visited_on"));
  state.micro_grid = Text(data, "micro_grid");
  state.joint_action_id = Text(data, "joint_action_id");
  state.officers = TextList(data, "officers");
  if (const auto* party = data.if_contains("party"); party && party->is_object()) {
    state.party_id = Text(party->as_object(), "id");
    state.party_name = Text(party->as_object(), "name");
  }
  if (const auto* list = data.if_contains("results"); list && list->is_array()) {
    for (const auto& r : list->as_array()) {
      if (!r.is_object()) continue;
      const auto& o = r.as_object();
      state.results.push_back({Text(o, "item_code"), Text(o, "result"),
                               Text(o, "responsible_agency"), Text(o, "note")});
    }
  }
  return Status::Ok();
}

const std::vector<CommandSpec>& JointEnforcementCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"plan_joint_action", "joint_action_id", kJointActionStreamPrefix, &DecidePlanJointAction},
      {"record_joint_finding", "joint_action_id", kJointActionStreamPrefix,
       &DecideRecordJointFinding},
      {"close_joint_action", "joint_action_id", kJointActionStreamPrefix, &DecideCloseJointAction},
      {"define_inspection_scenario", "scenario_id", kInspectionScenarioStreamPrefix,
       &DecideDefineInspectionScenario},
      {"record_inspection_visit", "inspection_id", kInspectionStreamPrefix,
       &DecideRecordInspectionVisit},
  };
  return kSpecs;
}

}  // namespace zf::internal
