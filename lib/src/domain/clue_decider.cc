// Clues (线索, spec §4.1): registration and filing (立案); to come: routing
// by competence, verification (D2), declining, transfer and merging.
#include <fmt/format.h>

#include "domain/case_helpers.h"
#include "domain/case_state.h"

namespace zf::internal {
namespace {

constexpr std::string_view kClueBasis = "市场监督管理行政处罚程序规定 art. 18 (线索登记); spec §4.1";
constexpr std::string_view kTerritoryBasis = "APL art. 22 (jurisdiction follows the place)";

// The township the clue's place lies in: the micro-grid's, or the one named.
Decision ResolveTownship(const DecisionContext& context, std::string* township) {
  const boost::json::object& data = Data(context);
  const OrgModel& org = context.rules.org();
  const std::string micro_grid = Text(data, "micro_grid");
  const std::string named = Text(data, "township");
  if (!micro_grid.empty()) {
    const Township* t = org.TownshipOfGridNode(micro_grid);
    if (t == nullptr) {
      return Reject("unknown_grid_node",
                    fmt::format("{} is not a grid node registered in org", micro_grid),
                    std::string(kTerritoryBasis), DataPointer("micro_grid"));
    }
    if (!named.empty() && named != t->id) {
      return Reject("place_mismatch",
                    fmt::format("micro-grid {} lies in {}, not {}", micro_grid, t->id, named),
                    std::string(kTerritoryBasis), DataPointer("township"));
    }
    *township = t->id;
    return std::vector<NewEvent>{};
  }
  if (named.empty()) {
    return Reject("place_missing", "a clue needs a micro_grid or a township",
                  std::string(kTerritoryBasis), DataPointer("township"));
  }
  if (org.FindTownship(named) == nullptr) {
    return Reject("unknown_township", fmt::format("{} is not a township registered in org", named),
                  std::string(kTerritoryBasis), DataPointer("township"));
  }
  *township = named;
  return std::vector<NewEvent>{};
}

Decision DecideRegisterClue(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  if (context.Case() != nullptr) {
    return Reject("case_exists", fmt::format("case {} is already registered", context.command.target),
                  std::string(kClueBasis), "/case_id");
  }
  if (!context.rules.org().IsAgency(context.command.actor.unit)) {
    return Reject("unknown_unit",
                  fmt::format("{} is not an agency registered in org",
                              context.command.actor.unit),
                  std::string(kClueBasis), "/actor/unit");
  }
  std::string township;
  if (Decision d = ResolveTownship(context, &township); std::holds_alternative<Rejection>(d)) {
    return d;
  }
  const std::string item = Text(data, "item_code");
  if (!item.empty() && context.InForce().PowerItem(item) == nullptr) {
    return Reject("unknown_power_item",
                  fmt::format("{} is not a power item in force on {}", item,
                              context.date().ToString()),
                  "spec §3.1 power list", DataPointer("item_code"));
  }
  const std::optional<Date> discovered = OptionalDate(data, "discovered_on");
  if (discovered && context.date() < *discovered) {
    return Reject("discovered_in_future", "discovered_on is after the registration",
                  std::string(kClueBasis), DataPointer("discovered_on"));
  }
  const std::optional<Date> act_ended = OptionalDate(data, "act_ended_on");
  if (act_ended && discovered && *discovered < *act_ended) {
    return Reject("act_after_discovery", "act_ended_on is after discovered_on",
                  "APL art. 36 (limitation runs from the act)", DataPointer("act_ended_on"));
  }
  boost::json::object event = data;
  event["township"] = township;
  event["registered_by_unit"] = context.command.actor.unit;
  return std::vector<NewEvent>{Emit("clue_registered", std::move(event))};
}

Status EvolveClueRegistered(CaseState& state, const EventRecord& event) {
  const boost::json::object& data = event.data.as_object();
  state.state = "registered";
  ZF_ASSIGN_OR_RETURN(state.township, EventText(event, "township"));
  ZF_ASSIGN_OR_RETURN(state.clue.source, EventText(event, "source"));
  ZF_ASSIGN_OR_RETURN(state.discovered_on, EventDate(event, "discovered_on"));
  ZF_ASSIGN_OR_RETURN(state.clue.registered_by_unit, EventText(event, "registered_by_unit"));
  state.item_code = Text(data, "item_code");
  state.act_ended_on = OptionalDate(data, "act_ended_on");
  state.clue.micro_grid = Text(data, "micro_grid");
  state.clue.address = Text(data, "address");
  state.clue.description = Text(data, "description");
  state.clue.joint_action_id = Text(data, "joint_action_id");
  state.clue.grid_ticket_id = Text(data, "grid_ticket_id");
  state.clue.registered_at = state.timeline.back().at;
  if (const auto* party = data.if_contains("party"); party != nullptr && party->is_object()) {
    state.party.id = Text(party->as_object(), "id");
    state.party.name = Text(party->as_object(), "name");
    state.party.category = Text(party->as_object(), "category");
  }
  if (const auto* list = data.if_contains("attachments"); list != nullptr && list->is_array()) {
    for (const auto& a : list->as_array()) {
      if (a.is_object()) state.clue.attachment_digests.push_back(Text(a.as_object(), "sm3"));
    }
  }
  return Status::Ok();
}

constexpr std::string_view kFilingBasis =
    "APL art. 54; 市场监督管理行政处罚程序规定 art. 19 (filing conditions)";
constexpr std::string_view kOfficersBasis = "APL arts. 42, 55 (at least two credentialed officers)";

// The clue states a case may be filed from.
bool FileableState(const std::string& state) {
  return state == "registered" || state == "assigned" || state == "verifying";
}

// J1/J2: only the competent subject may file.
std::optional<Rejection> CheckCompetence(const DecisionContext& context, const CaseState& c,
                                         const std::string& subject) {
  Competence answer;
  if (MayHandle(context, c.item_code, c.township, subject, &answer)) return std::nullopt;
  const std::string competent = answer.subject.empty() ? "nobody" : answer.subject;
  return Rejection{"subject_not_competent",
                   fmt::format("{} may not file a case on {} in {} on {}: the competent subject is "
                               "{} ({}); transfer the clue instead (J2)",
                               subject, c.item_code, c.township, context.date().ToString(),
                               competent, answer.reason),
                   "APL art. 38 (a decision by a subject without the power is void); spec §3.3 J1",
                   "/actor/unit"};
}

// At least two handlers, each an officer of the subject with a credential
// valid on the day.
std::optional<Rejection> CheckHandlers(const DecisionContext& context,
                                       const std::vector<std::string>& handlers,
                                       const std::string& subject, std::string_view field) {
  if (handlers.size() < 2) {
    return Rejection{"too_few_officers",
                     fmt::format("{} officer(s) named; at least 2 are required", handlers.size()),
                     std::string(kOfficersBasis), DataPointer(field)};
  }
  const RuleBookView rules = context.InForce();
  for (std::size_t i = 0; i < handlers.size(); ++i) {
    const std::string pointer = fmt::format("{}/{}", DataPointer(field), i);
    const Credential* credential = rules.ValidCredential(handlers[i]);
    if (credential == nullptr) {
      return Rejection{"credential_invalid",
                       fmt::format("{} holds no enforcement credential valid on {}", handlers[i],
                                   context.date().ToString()),
                       std::string(kOfficersBasis), pointer};
    }
    if (credential->agency != subject) {
      return Rejection{"credential_invalid",
                       fmt::format("{}'s credential {} was issued by {}, not by {}", handlers[i],
                                   credential->number, credential->agency, subject),
                       "spec §2 enforcement_officer (credential of the handling subject) [U][C]",
                       pointer};
    }
  }
  return std::nullopt;
}

Decision DecideFileCase(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  const CaseState* c = context.Case();
  if (c == nullptr) {
    return Reject("case_not_found", fmt::format("no clue {} is registered", context.command.target),
                  std::string(kFilingBasis), "/case_id");
  }
  if (!FileableState(c->state)) {
    return Reject("invalid_state",
                  fmt::format("case {} is {}; a case is filed from a registered, assigned or "
                              "verifying clue",
                              c->id, c->state),
                  std::string(kFilingBasis), "/command");
  }
  CaseState filed = *c;
  if (const std::string item = Text(data, "item_code"); !item.empty()) filed.item_code = item;
  if (filed.item_code.empty()) {
    return Reject("item_missing", "filing needs the power item the case is about",
                  std::string(kFilingBasis), DataPointer("item_code"));
  }
  const PowerItemVersion* item = context.InForce().PowerItem(filed.item_code);
  if (item == nullptr) {
    return Reject("unknown_power_item",
                  fmt::format("{} is not a power item in force on {}", filed.item_code,
                              context.date().ToString()),
                  "spec §3.1 power list", DataPointer("item_code"));
  }
  const std::string subject = SubjectOfUnit(context);
  if (auto r = CheckCompetence(context, filed, subject)) return *r;
  const std::vector<std::string> handlers = TextList(data, "handlers");
  if (auto r = CheckHandlers(context, handlers, subject, "handlers")) return *r;
  boost::json::object event = data;
  event["item_code"] = filed.item_code;
  event["item_version"] = static_cast<std::int64_t>(item->version);
  event["handling_subject"] = subject;
  event["issuer_name"] = context.rules.org().LegalNameOf(subject).value_or(subject);
  event["filed_on"] = context.date().ToString();
  return std::vector<NewEvent>{Emit("case_filed", std::move(event))};
}

Status EvolveCaseFiled(CaseState& state, const EventRecord& event) {
  state.state = "filed";
  state.procedure = "ordinary";
  ZF_ASSIGN_OR_RETURN(state.item_code, EventText(event, "item_code"));
  ZF_ASSIGN_OR_RETURN(state.handling_subject, EventText(event, "handling_subject"));
  ZF_ASSIGN_OR_RETURN(Date filed_on, EventDate(event, "filed_on"));
  ZF_ASSIGN_OR_RETURN(std::int64_t version, EventInt(event, "item_version"));
  state.filed_on = filed_on;
  state.filed_at = state.timeline.back().at;
  state.item_version = static_cast<std::uint32_t>(version);
  state.handlers = TextList(event.data.as_object(), "handlers");
  return Status::Ok();
}

}  // namespace

const std::vector<CommandSpec>& ClueCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"register_clue", "case_id", kCaseStreamPrefix, &DecideRegisterClue},
      {"file_case", "case_id", kCaseStreamPrefix, &DecideFileCase},
  };
  return kSpecs;
}

const std::vector<CaseEvolver>& ClueEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {
      {"clue_registered", &EvolveClueRegistered},
      {"case_filed", &EvolveCaseFiled},
  };
  return kEvolvers;
}

}  // namespace zf::internal
