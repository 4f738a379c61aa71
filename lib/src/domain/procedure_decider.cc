// Case commands of the ordinary procedure (docs/domain.md, Ordinary procedure–Invariants): the lists of
// every procedure file, and the decision (O20) with the invariants
// it is checked against. The investigation is in procedure_investigation.cc,
// the reviews, notice and hearing in procedure_review.cc.
#include <algorithm>

#include <fmt/format.h>

#include "domain/clue_competence.h"
#include "domain/execution_state.h"
#include "domain/penalty_rules.h"
#include "domain/procedure_common.h"

namespace zf::internal {
namespace {

constexpr std::string_view kDecisionBasis = "APL arts. 57, 59 (the decision and its content)";

// Every state of the procedure in which a decision may be asked for; the
// invariants then say what is missing.
constexpr std::string_view kDecidableStates[] = {
    "investigating", "concluded",         "pre_notice",   "notice_served",
    "hearing_requested", "hearing_scheduled", "hearing_held", "ready_to_decide"};

std::optional<Rejection> CheckDecidable(const DecisionContext& context, const CaseState** out) {
  const CaseState* c = context.Case();
  if (c == nullptr) {
    return Rejection{"case_not_found",
                     fmt::format("no case {} is registered", context.command.target),
                     std::string(kDecisionBasis), "/case_id"};
  }
  if (std::find(std::begin(kDecidableStates), std::end(kDecidableStates), c->state) ==
      std::end(kDecidableStates)) {
    return Rejection{"invalid_state",
                     fmt::format("case {} is {}; a decision is made on a case under the "
                                 "ordinary procedure that is investigated and not yet decided",
                                 c->id, c->state),
                     std::string(kDecisionBasis), "/command"};
  }
  if (!ActsFor(context, c->handling_subject)) {
    return Rejection{"not_handling_subject",
                     fmt::format("{} does not act for {}, the handling subject of case {}",
                                 context.command.actor.unit, c->handling_subject, c->id),
                     "APL art. 17", "/actor/unit"};
  }
  if (auto r = CheckNotRecused(*c, context.command.actor.id, "/actor/id")) return r;
  *out = c;
  return std::nullopt;
}

// APL art. 57: the decision is the agency head's. The actor records it, as
// the head in person or as an enforcement officer for the head; a head named
// in approved_by must be an agency head (行政机关负责人, or a deputy org
// registers with that role) of the handling subject.
constexpr std::string_view kHeadDecidesBasis =
    "《中华人民共和国行政处罚法》第五十七条（调查终结，行政机关负责人应当对调查结果进行审查，"
    "根据不同情况，分别作出决定）";
constexpr std::string_view kDecisionRoles[] = {"agency_head", "enforcement_officer"};

std::optional<Rejection> CheckDecisionAuthority(const DecisionContext& context,
                                                const CaseState& c,
                                                const boost::json::object& data) {
  const std::string& role = context.command.actor.role;
  if (std::find(std::begin(kDecisionRoles), std::end(kDecisionRoles), role) ==
      std::end(kDecisionRoles)) {
    return Rejection{"role_may_not_decide",
                     fmt::format("a {} may not issue a decision: the agency head decides (or an "
                                 "enforcement officer records the head's decision)",
                                 role),
                     std::string(kHeadDecidesBasis), "/actor/role"};
  }
  const std::string approver = Text(data, "approved_by");
  if (approver.empty()) {
    if (role == "agency_head" || !context.options.decision_approval_required) return std::nullopt;
    return Rejection{"approval_required",
                     fmt::format("the decision names no agency head of {} who approved or signed "
                                 "it (approved_by)",
                                 c.handling_subject),
                     std::string(kHeadDecidesBasis), DataPointer("approved_by")};
  }
  if (auto r = CheckNotRecused(c, approver, DataPointer("approved_by"))) return r;
  return CheckHeadApproval(context, approver, c.handling_subject, "approved_by",
                           kHeadDecidesBasis);
}

// I1: the subject is competent today, and every investigative act was done
// by officers whose credentials were valid that day (as the org stream now
// knows it: a revocation recorded later with an earlier date counts).
//
// J4 (docs/domain.md, Competence resolution [U]): when the item or its delegation changed after the
// filing, the subject that filed keeps the case under
// filer_keeps_case_on_item_change; the decision then carries the
// competence warning (`warning`, unless already recorded). A filed case's
// subject was competent when it filed: file_case and accept_handover judge
// J1 on their day, so a filing date is enough to tell.
std::optional<Rejection> CheckI1(const DecisionContext& context, const CaseState& c,
                                 std::optional<NewEvent>* warning) {
  Competence answer;
  const bool competent_today =
      MayHandle(context, c.item_code, c.township, c.handling_subject, &answer,
                /*with_legal_basis=*/false);
  const bool keeps = !competent_today && c.filed_on.has_value() &&
                     context.options.filer_keeps_case_on_item_change;
  if (keeps) *warning = CompetenceWarningEvent(context, c);
  if (!competent_today && !keeps) {
    return Rejection{"subject_not_competent",
                     fmt::format("{} may not decide on {} in {} on {}: the competent subject is "
                                 "{} ({})",
                                 c.handling_subject, c.item_code, c.township,
                                 context.date().ToString(),
                                 answer.subject.empty() ? "nobody" : answer.subject, answer.reason),
                     "APL art. 38 (a decision by a subject without the power is void)",
                     "/case_id"};
  }
  for (const auto& [officer, day] : c.procedure_state.acts) {
    if (context.rules.org().ValidCredential(officer, day) == nullptr) {
      return Rejection{"credential_invalid",
                       fmt::format("{} took part in the investigation on {} without a valid "
                                   "enforcement credential",
                                   officer, day.ToString()),
                       "APL art. 42", "/case_id"};
    }
  }
  return std::nullopt;
}

// I11 again at the decision: a reviewer who later investigated.
std::optional<Rejection> CheckI11(const CaseState& c) {
  for (const std::string& r : c.procedure_state.reviewers) {
    if (auto rej = CheckNotInvestigator(c, r, "reviewer_is_investigator", "/case_id")) return rej;
  }
  return std::nullopt;
}

// I3: the notice, the rights periods, the hearing.
std::optional<Rejection> CheckI3(const DecisionContext& context, const CaseState& c) {
  const ProcedureState& p = c.procedure_state;
  if (!p.notice) {
    return Rejection{"notice_not_served",
                     "a penalty needs a pre-decision notice stating the facts, reasons, basis, "
                     "proposed penalty and the party's rights",
                     "APL art. 44", "/command"};
  }
  if (p.hearing && (p.hearing->status == "requested" || p.hearing->status == "scheduled")) {
    return Rejection{"hearing_pending",
                     fmt::format("the party's hearing request is {}; hold the hearing, record the "
                                 "absence or the withdrawal first",
                                 p.hearing->status),
                     "APL arts. 63-65", "/command"};
  }
  const bool heard = p.hearing && (p.hearing->status == "held" || p.hearing->status == "absent");
  if (!heard && !p.rights_waived &&
      (!Breached(p.notice->statement_due_on, context.date()) ||
       !Breached(p.notice->hearing_request_due_on, context.date()))) {
    return Rejection{"rights_period_running",
                     fmt::format("the party may state its case until {} and request a hearing "
                                 "until {}",
                                 p.notice->statement_due_on.ToString(),
                                 p.notice->hearing_request_due_on.ToString()),
                     "APL art. 62", "/at"};
  }
  return std::nullopt;
}

// I4: not heavier than notified, and no new hearing right.
std::optional<Rejection> CheckI4(const DecisionContext& context, const CaseState& c,
                                 const ProposalRecord& decided) {
  const ProcedureState& p = c.procedure_state;
  std::string why;
  if (p.renotice_required) {
    why = "the re-examination changed the proposal beyond the notice";
  } else if (!HeavierThan(decided, p.notice->notified, &why)) {
    auto rights = HearingRightsFor(context, c, decided, &why);
    if (!rights.ok() || !*rights || p.notice->hearing_rights) return std::nullopt;
    why = "the decision carries hearing rights the notice did not state: " + why;
  }
  return Rejection{"renotice_required",
                   fmt::format("{}; serve a new pre-decision notice", why),
                   "APL arts. 44-45", "/data/fine_fen"};
}

// I5: a legal review passed after the conclusion, the hearing and the
// last change of the proposal, when the case is major.
std::optional<Rejection> CheckI5(const CaseState& c, bool is_major) {
  const ProcedureState& p = c.procedure_state;
  const bool heard_major = p.hearing && p.hearing->status == "held" && p.notice &&
                           p.notice->hearing_rights;
  if (!is_major && !heard_major) return std::nullopt;
  std::uint64_t latest = std::max(p.concluded_version, p.proposal_changed_version);
  if (heard_major) latest = std::max(latest, p.hearing->held_version);
  if (p.legal_review_pass_version > latest) return std::nullopt;
  return Rejection{"legal_review_required",
                   fmt::format("the case is {} and has no legal review passed after its latest "
                               "conclusion, hearing or change of proposal",
                               is_major ? "major (is_major)"
                                        : "heard on a major right of the party"),
                   "APL art. 58 (法制审核: the decision may not be made without it)",
                   "/command"};
}

// I6: a collective discussion after the latest proposal.
std::optional<Rejection> CheckI6(const DecisionContext& context, const CaseState& c,
                                 bool is_major, const ProposalRecord& decided) {
  const ProcedureState& p = c.procedure_state;
  const bool mitigated = decided.adjustment == "mitigated";
  const bool needed = is_major || p.is_complex ||
                      (mitigated && context.options.collective_discussion_for_mitigated);
  if (!needed) return std::nullopt;
  if (p.collective_discussion_version > std::max(p.concluded_version, p.proposal_changed_version)) {
    return std::nullopt;
  }
  return Rejection{"collective_discussion_required",
                   fmt::format("the case is {}: the agency's heads must discuss it collectively "
                               "before the decision",
                               is_major ? "major" : (p.is_complex ? "complex" : "mitigated")),
                   "APL art. 57 ¶2", "/command"};
}

// I10: the routes of relief the decision states. 行政复议法 (2023) art. 24:
// the people's government of the level whose department decided hears the
// reconsideration. A unit deciding in a city bureau's name (a department of
// level city, legal_name e.g. 三明市生态环境局) decided as the city bureau,
// so the city's government hears it; every other unit here decides as a
// district department or township: the district government.
std::string CityGovernmentOf(const std::string& legal_name) {
  constexpr std::string_view kCity = "市";
  const std::size_t at = legal_name.find(kCity);
  if (at == std::string::npos) return "";
  return legal_name.substr(0, at + kCity.size()) + "人民政府";
}

struct ReliefBody {
  std::string name;
  std::string basis;
};

ReliefBody ReconsiderationBodyOf(const DecisionContext& context, const CaseState& c) {
  const District* district = context.rules.org().district();
  ReliefBody body{district != nullptr ? district->legal_name : std::string("区人民政府"),
                  "行政复议法 (2023) arts. 20, 24; 行政诉讼法 art. 46; spec I10"};
  const auto from = Date::Parse(context.options.reconsideration_by_issuer_from);
  if (from.ok() && context.date() < *from) return body;
  const Department* d = context.rules.org().FindDepartment(c.handling_subject);
  if (d != nullptr && !d->issuing_government.empty()) {
    // The org data says in whose name the unit decides (issue 15 item 8).
    body.name = d->issuing_government;
    body.basis = fmt::format(
        "《中华人民共和国行政复议法》第二十四条：{}以{}的名义作出决定，由{}管辖；行政诉讼法 art. 46",
        d->name, d->legal_name, d->issuing_government);
    return body;
  }
  if (d == nullptr || d->level != DepartmentLevel::kCity) return body;
  if (std::string city = CityGovernmentOf(d->legal_name); !city.empty()) {
    body.name = std::move(city);
    body.basis = fmt::format(
        "《中华人民共和国行政复议法》第二十四条（对本级人民政府工作部门作出的行政行为不服的，向本级"
        "人民政府申请）：{}以{}的名义作出决定；行政诉讼法 art. 46; spec I10",
        d->name, d->legal_name);
  }
  return body;
}

boost::json::object ReliefOf(const ReliefBody& body) {
  return boost::json::object{
      {"reconsideration_body", body.name},
      {"reconsideration_days", 60},
      {"litigation_months", 6},
      {"text", fmt::format("如不服本决定，可以在收到本决定书之日起六十日内向{}申请行政复议，"
                           "或者在六个月内依法向人民法院提起行政诉讼。",
                           body.name)},
      {"basis", body.basis}};
}

// A decision issued by a subject that holds no power over the item at the
// place is void (APL art. 38), whatever state its paper file is in: e.g. a
// township's decision drafted offline on a department item it was never
// delegated. Asked before the state so the import learns why.
std::optional<Rejection> CheckIssuerHasPower(const DecisionContext& context, const CaseState& c) {
  if (!c.handling_subject.empty() && ActsFor(context, c.handling_subject)) return std::nullopt;
  const std::string subject = SubjectOfUnit(context);
  Competence answer;
  if (c.item_code.empty() ||
      MayHandle(context, c.item_code, c.township, subject, &answer, /*with_legal_basis=*/false)) {
    return std::nullopt;
  }
  return Rejection{"subject_not_competent",
                   fmt::format("{} holds no power over {} in {} on {} (the competent subject is "
                               "{}: {}); a decision in its name would be void",
                               subject, c.item_code, c.township, context.date().ToString(),
                               answer.subject.empty() ? "nobody" : answer.subject, answer.reason),
                   "APL art. 38 (a decision by a subject without the power is void)",
                   "/actor/unit"};
}

// Order 310 art. 11 (APL art. 27): while a suspected crime is reported for
// transfer and not refused or returned, no administrative decision on the
// penalty may take the transfer's place.
std::optional<Rejection> CheckNoCriminalTransferPending(const CaseState& c,
                                                        const std::string& type) {
  if ((type != "penalty" && type != "no_penalty") || !BlocksPenaltyDecision(c)) {
    return std::nullopt;
  }
  return Rejection{"criminal_transfer_pending",
                   fmt::format("case {} was reported on {} for transfer to the public security "
                               "organ as a suspected crime; no {} decision until the transfer is "
                               "refused or returned",
                               c.id, c.execution.criminal.reported_on.ToString(), type),
                   "Order 310 art. 11; APL art. 27", DataPointer("decision_type")};
}

// The facts of the party and the act the statutory grounds rest on (APL
// arts. 30-33), as the report established them, bind the decision unless it
// restates them; recorded with it so the decision shows them.
void InheritStatutoryFacts(const boost::json::object& reported, boost::json::object* proposal,
                           boost::json::object* event) {
  static constexpr std::string_view kKeys[] = {
      "party_birth_date",         "age_at_act",          "capacity",
      "no_subjective_fault",      "fault_presumed_by_law", "harm_removed_proactively",
      "coerced_or_deceived",      "confessed_unknown_violation", "meritorious_service",
      "party_minor",              "partial_incapacity"};
  const auto* from = reported.if_contains("facts");
  if (from == nullptr || !from->is_object()) return;
  boost::json::object facts;
  if (const auto* stated = proposal->if_contains("facts"); stated && stated->is_object()) {
    facts = stated->as_object();
  }
  bool added = false;
  for (std::string_view key : kKeys) {
    const auto* v = from->as_object().if_contains(key);
    if (v == nullptr || facts.contains(key)) continue;
    facts[key] = *v;
    added = true;
  }
  if (!added) return;
  (*proposal)["facts"] = facts;
  (*event)["facts"] = std::move(facts);
}

Decision DecideMakeDecision(const DecisionContext& context) {
  const boost::json::object& data = Data(context);
  const std::string type = Text(data, "decision_type");
  if (const CaseState* any = context.Case()) {
    if (auto r = CheckIssuerHasPower(context, *any)) return *r;
    // Only the handling subject learns why; anyone else is refused below.
    if (ActsFor(context, any->handling_subject)) {
      if (auto r = CheckNoCriminalTransferPending(*any, type)) return *r;
    }
  }
  const CaseState* target = nullptr;
  if (auto r = CheckDecidable(context, &target)) return *r;
  const CaseState& c = *target;
  const ProcedureState& p = c.procedure_state;
  if (auto r = CheckDecisionAuthority(context, c, data)) return *r;
  std::optional<NewEvent> competence_warning;
  if (auto r = CheckI1(context, c, &competence_warning)) return *r;
  if (!p.proposal || c.state == "investigating") {
    return Reject("report_missing",
                  "the investigation has not been concluded with a report (facts clear, evidence "
                  "sufficient)",
                  "APL art. 40", "/command");
  }
  if (auto r = CheckI11(c)) return *r;
  const bool on_penalty = type == "penalty" || type == "no_penalty";
  boost::json::object proposal = ProposalJson(data, type);
  const ProposalRecord decided = ProposalFrom(proposal);
  const bool is_major = p.is_major || Flag(data, "is_major");
  const bool notice_needed =
      type == "penalty" || (type == "no_penalty" && context.options.notice_required_for_no_penalty);
  // APL 58 and 57 ¶2 bind whatever the notice's state, so they are asked
  // first: a major case learns at once that it needs its review.
  if (auto r = CheckI5(c, is_major)) return *r;
  if (auto r = CheckI6(context, c, is_major, decided)) return *r;
  if (notice_needed) {
    if (auto r = CheckI3(context, c)) return *r;
    if (auto r = CheckI4(context, c, decided)) return *r;
  }
  if (notice_needed && c.state != "ready_to_decide") {
    return Reject("invalid_state",
                  fmt::format("case {} is {}; re-examine the case after the statement and hearing "
                              "(O18) before the decision",
                              c.id, c.state),
                  std::string(kDecisionBasis), "/command");
  }
  if (!on_penalty && type != p.proposal->outcome) {
    return Reject("decision_not_proposed",
                  fmt::format("a {} decision needs a report proposing it; the report proposes {}",
                              type, p.proposal->outcome),
                  "APL art. 57", DataPointer("decision_type"));
  }
  boost::json::object event = data;
  if (on_penalty) {
    // APL art. 28: a penalty or no-penalty decision also orders correction.
    if (!data.contains("correction_order")) {
      return Reject("correction_order_missing",
                    "the decision must order the party to correct the violation (责令改正)",
                    "APL art. 28 ¶1", DataPointer("correction_order"));
    }
    if (type == "no_penalty" && Text(data, "education_record").empty()) {
      return Reject("education_record_required",
                    "a no-penalty decision must record the education given to the party",
                    "APL art. 33 ¶3", DataPointer("education_record"));
    }
    // The illegal gains the report established bind the decision unless it
    // states them itself (APL art. 28 ¶2); recorded so the decision shows them.
    if (type == "penalty" && !proposal.contains("illegal_gains_fen")) {
      const PenaltyProposal reported = ProposalFromData(p.proposal->data);
      const PenaltyProposal stated = ProposalFromData(proposal);
      if (!stated.illegal_gains_fen && reported.illegal_gains_fen) {
        for (std::string_view f : {"illegal_gains_fen", "illegal_gains_refunded_fen",
                                   "illegal_gains_refund_record"}) {
          if (f == "illegal_gains_fen") {
            proposal[f] = *reported.illegal_gains_fen;
          } else if (const auto* v = p.proposal->data.if_contains(f)) {
            proposal[f] = *v;
          } else {
            continue;
          }
          if (!event.contains(f)) event[f] = proposal[f];
        }
      }
    }
    InheritStatutoryFacts(p.proposal->data, &proposal, &event);
    boost::json::object judged = proposal;
    judged["correction_ordered"] = true;
    PenaltyJudgement judgement = JudgePenalty(context, c, ProposalFromData(judged));
    if (judgement.rejection) return *judgement.rejection;
    if (!judgement.benchmark_id.empty()) {
      event["benchmark_id"] = judgement.benchmark_id;
      event["benchmark_version"] = judgement.benchmark_version;
    }
    boost::json::array entries;
    for (const auto& e : judgement.leniency_entries) entries.emplace_back(e);
    event["leniency_entries"] = std::move(entries);
    if (!judgement.evaluation.empty()) event["evaluation"] = std::move(judgement.evaluation);
    event["correction_ordered"] = true;
  }
  // I9: in the handling subject's name, under its seal.
  const std::string issuer =
      context.rules.org().LegalNameOf(c.handling_subject).value_or(c.handling_subject);
  if (auto named = Text(data, "issuer_name"); !named.empty() && named != issuer) {
    return Reject("issuer_not_handling_subject",
                  fmt::format("the decision names {} but must issue in the name of the handling "
                              "subject, {}",
                              named, issuer),
                  "APL art. 59 (the deciding agency's name and seal)",
                  DataPointer("issuer_name"));
  }
  // I10: a draft that names another reconsideration body misleads the party
  // about its remedy.
  const ReliefBody relief = ReconsiderationBodyOf(context, c);
  if (auto named = Text(data, "reconsideration_body"); !named.empty() && named != relief.name) {
    return Reject("reconsideration_body_wrong",
                  fmt::format("the decision names {} for reconsideration; {} decides in the name "
                              "of {}, so the body is {}",
                              named, c.handling_subject, issuer, relief.name),
                  "《中华人民共和国行政复议法》第二十四条；《中华人民共和国行政处罚法》第五十九条"
                  "第一款第（五）项",
                  DataPointer("reconsideration_body"));
  }
  auto due = DecisionDue(context, c);
  event["decided_on"] = context.date().ToString();
  event["handling_subject"] = c.handling_subject;
  event["issuer_name"] = issuer;
  event["party"] = boost::json::object{
      {"id", c.party.id}, {"name", c.party.name}, {"category", c.party.category}};
  event["item_code"] = c.item_code;
  if (!event.contains("penalty_types")) event["penalty_types"] = boost::json::array();
  if (!event.contains("fine_fen")) event["fine_fen"] = 0;
  if (!event.contains("confiscation_fen")) event["confiscation_fen"] = 0;
  event["is_major"] = is_major;
  event["relief"] = ReliefOf(relief);
  if (due.ok()) {
    event["decision_due_on"] = due->ToString();
    event["within_decision_limit"] = context.date() <= *due;
  }
  if (p.notice) event["notice_served_on"] = p.notice->served_on.ToString();
  if (p.legal_review_pass_version > 0) {
    event["legal_review_version"] = static_cast<std::int64_t>(p.legal_review_pass_version);
  }
  std::vector<NewEvent> events;
  if (competence_warning) events.push_back(std::move(*competence_warning));
  events.push_back(Emit("decision_made", std::move(event)));
  return events;
}

Status EvolveDecisionMade(CaseState& state, const EventRecord& event) {
  const boost::json::object& data = event.data.as_object();
  DecisionRecord d;
  ZF_ASSIGN_OR_RETURN(d.type, EventText(event, "decision_type"));
  ZF_ASSIGN_OR_RETURN(d.decided_on, EventDate(event, "decided_on"));
  ZF_ASSIGN_OR_RETURN(d.handling_subject, EventText(event, "handling_subject"));
  ZF_ASSIGN_OR_RETURN(d.issuer_name, EventText(event, "issuer_name"));
  d.decided_at = state.timeline.back().at;
  d.document_number = Text(data, "document_number");
  d.penalty_types = TextList(data, "penalty_types");
  d.fine_fen = Int(data, "fine_fen");
  d.confiscation_fen = Int(data, "confiscation_fen");
  d.benchmark_id = Text(data, "benchmark_id");
  d.benchmark_version = Int(data, "benchmark_version");
  d.leniency_entries = TextList(data, "leniency_entries");
  d.correction_ordered = Flag(data, "correction_ordered");
  state.procedure_state.decision = std::move(d);
  state.state = "decided";
  return Status::Ok();
}

}  // namespace

const std::vector<CommandSpec>& ProcedureCommandSpecs() {
  static const std::vector<CommandSpec> kSpecs = [] {
    std::vector<CommandSpec> all = InvestigationCommandSpecs();
    const auto& review = ReviewCommandSpecs();
    all.insert(all.end(), review.begin(), review.end());
    const auto& recusal = RecusalCommandSpecs();
    all.insert(all.end(), recusal.begin(), recusal.end());
    all.push_back({"make_decision", "case_id", kCaseStreamPrefix, &DecideMakeDecision});
    return all;
  }();
  return kSpecs;
}

const std::vector<CaseEvolver>& ProcedureEvolvers() {
  static const std::vector<CaseEvolver> kEvolvers = [] {
    std::vector<CaseEvolver> all = InvestigationEvolvers();
    const auto& review = ReviewEvolvers();
    all.insert(all.end(), review.begin(), review.end());
    const auto& recusal = RecusalEvolvers();
    all.insert(all.end(), recusal.begin(), recusal.end());
    all.push_back({"decision_made", &EvolveDecisionMade});
    return all;
  }();
  return kEvolvers;
}

}  // namespace zf::internal
