// Clues (线索, docs/domain.md, Clue): registration, routing by competence resolution and
// verification (D2); the helpers the other clue files share; and the
// command and evolver tables of the clue part. Filing and declining are in
// clue_filing.cc, transfer, merge, soft measures and designation in
// clue_transfer.cc.
#include <algorithm>

#include <fmt/format.h>

#include "domain/clue_internal.h"

namespace zf::internal {

// --- Shared helpers ----------------------------------------------------------

bool IsOpenClueState(std::string_view state) {
  return state == "registered" || state == "assigned" || state == "verifying" ||
         state == "transferred" || state == "designation_requested" || state == "designated";
}

std::optional<Rejection> RequireCase(const DecisionContext& context) {
  if (context.Case() != nullptr) return std::nullopt;
  return Rejection{"case_not_found", fmt::format("no clue {} is registered", context.command.target),
                   std::string(kClueBasis), "/case_id"};
}

Rejection InvalidState(const CaseState& c, std::string_view command, std::string_view needed,
                       std::string_view legal_basis) {
  return Rejection{"invalid_state",
                   fmt::format("case {} is {}; {} needs {}", c.id, c.state, command, needed),
                   std::string(legal_basis), "/command"};
}

std::optional<Rejection> RequireHolder(const DecisionContext& context, const CaseState& c) {
  if (ActsFor(context, c.clue.holder)) return std::nullopt;
  return Rejection{"not_clue_holder",
                   fmt::format("clue {} is held by {}; {} does not act for it", c.id,
                               c.clue.holder, context.command.actor.unit),
                   std::string(kClueBasis), "/actor/unit"};
}

std::vector<std::string> TerritoriesOf(const CaseState& c) {
  std::vector<std::string> out{c.township};
  for (const std::string& t : c.clue.boundary_with) {
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

bool MayHandleClue(const DecisionContext& context, const CaseState& c, const std::string& item,
                   const std::string& subject, Competence* answer) {
  bool first = true;
  for (const std::string& township : TerritoriesOf(c)) {
    Competence a;
    const bool ok = MayHandle(context, item, township, subject, &a);
    if (first || ok) *answer = a;
    first = false;
    if (ok) return true;
  }
  return false;
}

std::string ItemOf(const DecisionContext& context, const CaseState& c) {
  const std::string item = Text(Data(context), "item_code");
  return item.empty() ? c.item_code : item;
}

std::optional<Rejection> RequireItemInForce(const DecisionContext& context,
                                            const std::string& item_code) {
  if (item_code.empty()) {
    return Rejection{"item_missing",
                     fmt::format("{} needs the power item the clue is about", context.command.type),
                     std::string(kFilingBasis), DataPointer("item_code")};
  }
  if (context.InForce().PowerItem(item_code) == nullptr) {
    return Rejection{"unknown_power_item",
                     fmt::format("{} is not a power item in force on {}", item_code,
                                 context.date().ToString()),
                     "APL art. 24 (the power list in force)", DataPointer("item_code")};
  }
  return std::nullopt;
}

LimitationRule LimitationFor(const DecisionContext& context, const std::string& item_code,
                             bool harm_caused, const std::vector<std::string>& concerns) {
  LimitationRule rule;
  rule.years = context.options.limitation_years;
  std::string domain;
  if (const PowerItemVersion* item = context.InForce().PowerItem(item_code)) domain = item->domain;
  const auto& domains = context.options.limitation_extended_domains;
  const bool by_domain =
      !domain.empty() && std::find(domains.begin(), domains.end(), domain) != domains.end();
  const bool concerned = by_domain || !concerns.empty();
  if (harm_caused && concerned) {
    rule.years = context.options.limitation_years_extended;
    rule.extended = true;
    rule.why = by_domain ? fmt::format("domain {} concerns life, health and safety or financial "
                                       "security, and harm was caused",
                                       domain)
                         : "the act concerns life, health and safety or financial security, and "
                           "harm was caused";
  } else {
    rule.why = !harm_caused ? "no harm was caused" : "the act concerns neither life, health and "
                                                     "safety nor financial security";
  }
  return rule;
}

namespace {

constexpr std::string_view kTerritoryBasis = "APL art. 22 (jurisdiction follows the place)";
constexpr std::string_view kVerificationBasis =
    "市场监督管理行政处罚程序规定 art. 18 (15 working days, +15 with head approval)";

// The references a clue may carry must name what exists: a grid ticket
// dispatched to the registering subject, a joint action, a related case,
// townships the place borders on.
std::optional<Rejection> CheckReferences(const DecisionContext& context,
                                         const std::string& township) {
  const boost::json::object& data = Data(context);
  const std::string subject = SubjectOfUnit(context);
  if (const std::string ticket = Text(data, "grid_ticket_id"); !ticket.empty()) {
    const GridTicketState* t = context.cases.FindGridTicket(ticket);
    if (t == nullptr || context.cases.Version(std::string(kGridTicketStreamPrefix) + ticket) == 0) {
      return Rejection{"unknown_grid_ticket", fmt::format("no grid ticket {} was reported", ticket),
                       "《福建省乡镇（街道）片区联合执法试点工作方案》（闽委编办〔2023〕128号） (grid tickets)", DataPointer("grid_ticket_id")};
    }
    if (t->DispatchTo(subject) == nullptr) {
      return Rejection{"ticket_not_dispatched_to_unit",
                       fmt::format("grid ticket {} was not dispatched to {}", ticket, subject),
                       "《福建省乡镇（街道）片区联合执法试点工作方案》（闽委编办〔2023〕128号） (a clue is raised at the subject the ticket was dispatched to)",
                       DataPointer("grid_ticket_id")};
    }
  }
  if (const std::string action = Text(data, "joint_action_id"); !action.empty()) {
    if (context.cases.Version("joint_action/" + action) == 0) {
      return Rejection{"unknown_joint_action", fmt::format("no joint action {} is recorded", action),
                       "《福建省乡镇（街道）片区联合执法试点工作方案》（闽委编办〔2023〕128号） (joint actions)", DataPointer("joint_action_id")};
    }
  }
  if (const std::string related = Text(data, "related_case_id"); !related.empty()) {
    if (related == context.command.target || context.cases.FindCase(related) == nullptr) {
      return Rejection{"unknown_related_case",
                       fmt::format("related_case_id {} names no other registered case", related),
                       std::string(kJurisdictionBasis), DataPointer("related_case_id")};
    }
  }
  const std::vector<std::string> boundary = TextList(data, "boundary_with");
  for (std::size_t i = 0; i < boundary.size(); ++i) {
    if (boundary[i] == township || context.rules.org().FindTownship(boundary[i]) == nullptr) {
      return Rejection{"unknown_township",
                       fmt::format("boundary_with names {}, which is not another registered "
                                   "township than {}",
                                   boundary[i], township),
                       std::string(kTerritoryBasis), fmt::format("/data/boundary_with/{}", i)};
    }
  }
  return std::nullopt;
}

Decision DecideRegisterClue(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  if (context.Case() != nullptr) {
    return Reject("case_exists",
                  fmt::format("case {} is already registered", context.command.target),
                  std::string(kClueBasis), "/case_id");
  }
  if (!context.rules.org().IsAgency(SubjectOfUnit(context))) {
    return Reject("unknown_unit",
                  fmt::format("{} is not an agency registered in org", context.command.actor.unit),
                  std::string(kClueBasis), "/actor/unit");
  }
  std::string township;
  if (auto r = ResolvePlace(context, Data(context), &township)) return *r;
  const std::string item = Text(data, "item_code");
  if (!item.empty() && context.InForce().PowerItem(item) == nullptr) {
    return Reject("unknown_power_item",
                  fmt::format("{} is not a power item in force on {}", item,
                              context.date().ToString()),
                  "APL art. 24 (the power list in force)", DataPointer("item_code"));
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
  if (auto r = CheckReferences(context, township)) return *r;
  boost::json::object event = data;
  event["township"] = township;
  event["registered_by_unit"] = context.command.actor.unit;
  event["holder"] = SubjectOfUnit(context);
  return Events(Emit("clue_registered", std::move(event)));
}

Status EvolveClueRegistered(CaseState& state, const EventRecord& event) {
  const boost::json::object& data = event.data.as_object();
  state.state = "registered";
  ZF_ASSIGN_OR_RETURN(state.township, EventText(event, "township"));
  ZF_ASSIGN_OR_RETURN(state.clue.source, EventText(event, "source"));
  if (const std::string channel = Text(data, "channel"); !channel.empty()) state.channel = channel;
  ZF_ASSIGN_OR_RETURN(state.discovered_on, EventDate(event, "discovered_on"));
  ZF_ASSIGN_OR_RETURN(state.clue.registered_by_unit, EventText(event, "registered_by_unit"));
  ZF_ASSIGN_OR_RETURN(state.clue.holder, EventText(event, "holder"));
  state.item_code = Text(data, "item_code");
  state.act_ended_on = OptionalDate(data, "act_ended_on");
  state.clue.micro_grid = Text(data, "micro_grid");
  state.clue.address = Text(data, "address");
  state.clue.description = Text(data, "description");
  state.clue.joint_action_id = Text(data, "joint_action_id");
  state.clue.grid_ticket_id = Text(data, "grid_ticket_id");
  state.clue.related_case_id = Text(data, "related_case_id");
  state.clue.act_id = Text(data, "act_id");
  state.clue.boundary_with = TextList(data, "boundary_with");
  state.clue.harm_caused = Flag(data, "harm_caused");
  state.clue.concerns = TextList(data, "concerns");
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

// route_clue: competence resolution at routing; the clue is assigned to the competent subject.
Decision DecideRouteClue(const DecisionContext& context) {
  if (auto r = RequireCase(context)) return *r;
  const CaseState& c = *context.Case();
  if (c.state != "registered") {
    return InvalidState(c, "route_clue", "a registered clue", kClueBasis);
  }
  if (auto r = RequireHolder(context, c)) return *r;
  const std::string item = ItemOf(context, c);
  if (auto r = RequireItemInForce(context, item)) return *r;
  auto competence =
      context.InForce().CompetentSubject(item, c.township, CompetenceConfigOf(context.options));
  if (!competence.ok() || competence->subject.empty()) {
    return Reject("unknown_power_item",
                  fmt::format("nobody holds {} in {} on {}", item, c.township,
                              context.date().ToString()),
                  "APL arts. 22, 24, 38 (competence)", DataPointer("item_code"));
  }
  boost::json::object event;
  event["item_code"] = item;
  event["item_version"] = static_cast<std::int64_t>(competence->item_version);
  event["competent_subject"] = competence->subject;
  event["competent_name"] =
      context.rules.org().LegalNameOf(competence->subject).value_or(competence->subject);
  event["reason"] = competence->reason;
  event["legal_basis"] = competence->legal_basis;
  event["delegated"] = competence->delegated;
  event["routed_on"] = context.date().ToString();
  if (const std::string note = Text(Data(context), "note"); !note.empty()) event["note"] = note;
  return Events(Emit("clue_routed", std::move(event)));
}

Status EvolveClueRouted(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(state.item_code, EventText(event, "item_code"));
  ZF_ASSIGN_OR_RETURN(state.clue.routed_to, EventText(event, "competent_subject"));
  ZF_ASSIGN_OR_RETURN(state.clue.route_reason, EventText(event, "reason"));
  ZF_ASSIGN_OR_RETURN(Date routed_on, EventDate(event, "routed_on"));
  state.clue.routed_on = routed_on;
  state.clue.holder = state.clue.routed_to;
  state.state = "assigned";
  return Status::Ok();
}

// The day the holder received the clue, which D2 counts from, and why.
std::pair<Date, std::string> VerificationClockStart(const DecisionContext& context,
                                                    const CaseState& c) {
  if (c.clue.received_on) {
    return {*c.clue.received_on,
            c.clue.designee.empty() ? "transfer_receipt" : "designation_receipt"};
  }
  if (context.options.verification_from_dispatch_receipt && !c.clue.grid_ticket_id.empty()) {
    if (const GridTicketState* t = context.cases.FindGridTicket(c.clue.grid_ticket_id)) {
      if (const TicketDispatch* d = t->DispatchTo(c.clue.holder)) {
        return {d->accepted_on.value_or(d->dispatched_on), "dispatch_receipt"};
      }
    }
  }
  return {c.discovered_on, "discovered"};
}

Rejection CalendarMissing(const Status& status, std::string_view pointer) {
  return Rejection{"calendar_missing",
                   fmt::format("the working-day calendar cannot count this period: {}",
                               status.message()),
                   "APL art. 85 (working days: the holiday calendar)", std::string(pointer)};
}

Decision DecideStartVerification(const DecisionContext& context) {
  if (auto r = RequireCase(context)) return *r;
  const CaseState& c = *context.Case();
  if (c.state != "assigned" && c.state != "transferred" && c.state != "designated") {
    return InvalidState(c, "start_verification",
                        "a clue assigned, transferred or designated to its holder",
                        kVerificationBasis);
  }
  if (auto r = RequireHolder(context, c)) return *r;
  const auto [from, basis] = VerificationClockStart(context, c);
  const int days = context.options.verification_working_days;
  auto due = AddWorkingDays(context.InForce().Calendar(), from, days);
  if (!due.ok()) return CalendarMissing(due.status(), "/at");
  boost::json::object event;
  event["started_on"] = context.date().ToString();
  event["clock_from"] = from.ToString();
  event["clock_basis"] = basis;
  event["working_days"] = days;
  event["due_on"] = due->ToString();
  if (const std::string note = Text(Data(context), "note"); !note.empty()) event["note"] = note;
  return Events(Emit("verification_started", std::move(event)));
}

Status EvolveVerificationStarted(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date started, EventDate(event, "started_on"));
  ZF_ASSIGN_OR_RETURN(Date from, EventDate(event, "clock_from"));
  ZF_ASSIGN_OR_RETURN(Date due, EventDate(event, "due_on"));
  state.clue.verification_started_on = started;
  state.clue.verification_clock_from = from;
  state.clue.verification_due_on = due;
  state.state = "verifying";
  return Status::Ok();
}

Decision DecideExtendVerification(const DecisionContext& context) {
  if (auto r = RequireCase(context)) return *r;
  const CaseState& c = *context.Case();
  if (c.state != "verifying") {
    return InvalidState(c, "extend_verification", "a clue under verification",
                        kVerificationBasis);
  }
  if (auto r = RequireHolder(context, c)) return *r;
  if (c.clue.verification_extended) {
    return Reject("extension_already_used",
                  "the verification period of this clue was extended once already",
                  std::string(kVerificationBasis), "/command");
  }
  const Date old_due = *c.clue.verification_due_on;
  if (context.date() > old_due) {
    return Reject("extension_after_due",
                  fmt::format("the verification period ended on {}; it cannot be extended on {}",
                              old_due.ToString(), context.date().ToString()),
                  std::string(kVerificationBasis), "/at");
  }
  const std::string approver = Text(Data(context), "approved_by");
  if (auto r = CheckHeadApproval(context, approver, c.clue.holder, "approved_by",
                                 kVerificationBasis)) {
    return *r;
  }
  const int days = context.options.verification_extension_working_days;
  auto due = AddWorkingDays(context.InForce().Calendar(), old_due, days);
  if (!due.ok()) return CalendarMissing(due.status(), "/at");
  boost::json::object event;
  event["approved_by"] = approver;
  event["reason"] = Text(Data(context), "reason");
  event["previous_due_on"] = old_due.ToString();
  event["working_days"] = days;
  event["due_on"] = due->ToString();
  return Events(Emit("verification_extended", std::move(event)));
}

Status EvolveVerificationExtended(CaseState& state, const EventRecord& event) {
  ZF_ASSIGN_OR_RETURN(Date due, EventDate(event, "due_on"));
  state.clue.verification_due_on = due;
  state.clue.verification_extended = true;
  return Status::Ok();
}

}  // namespace

const std::vector<CommandSpec>& ClueCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"register_clue", "case_id", kCaseStreamPrefix, &DecideRegisterClue},
      {"route_clue", "case_id", kCaseStreamPrefix, &DecideRouteClue},
      {"start_verification", "case_id", kCaseStreamPrefix, &DecideStartVerification},
      {"extend_verification", "case_id", kCaseStreamPrefix, &DecideExtendVerification},
      {"file_case", "case_id", kCaseStreamPrefix, &DecideFileCase},
      {"decline_filing", "case_id", kCaseStreamPrefix, &DecideDeclineFiling},
      {"transfer_clue", "case_id", kCaseStreamPrefix, &DecideTransferClue},
      {"merge_clue", "case_id", kCaseStreamPrefix, &DecideMergeClue},
      {"issue_soft_measure", "case_id", kCaseStreamPrefix, &DecideIssueSoftMeasure},
      {"request_designation", "case_id", kCaseStreamPrefix, &DecideRequestDesignation},
      {"designate_jurisdiction", "case_id", kCaseStreamPrefix, &DecideDesignateJurisdiction},
      {"review_competence", "case_id", kCaseStreamPrefix, &DecideReviewCompetence},
  };
  return kSpecs;
}

const std::vector<CaseEvolver>& ClueEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = {
      {"clue_registered", &EvolveClueRegistered},
      {"clue_routed", &EvolveClueRouted},
      {"verification_started", &EvolveVerificationStarted},
      {"verification_extended", &EvolveVerificationExtended},
      {"case_filed", &EvolveCaseFiled},
      {"filing_declined", &EvolveFilingDeclined},
      {"clue_transferred", &EvolveClueTransferred},
      {"clue_merged", &EvolveClueMerged},
      {"soft_measure_issued", &EvolveSoftMeasureIssued},
      {"designation_requested", &EvolveDesignationRequested},
      {"jurisdiction_designated", &EvolveJurisdictionDesignated},
      {"competence_warning_raised", &EvolveCompetenceWarningRaised},
  };
  return kEvolvers;
}

}  // namespace zf::internal
